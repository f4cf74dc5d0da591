using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>Read markers and typing notices.</summary>
public sealed partial class ChatService
{
    /// <summary>Read markers a user may move per second (HTTP and sockets together), sustained.</summary>
    public const double ReadRate = 10;

    /// <summary>Read markers a user may move at once.</summary>
    public const int ReadBurst = 30;

    /// <summary>Moves the caller's read marker forward to <paramref name="upTo"/> (clamped to the chat's newest
    /// message id, deleted ones included); returns where it stands. 404 chat, 403 member, 400 up_to, 429 rate.</summary>
    public async Task<long> MarkReadAsync(User caller, string uri, long? upTo, FieldErrors errors)
    {
        var chat = FindForMember(uri, caller);
        errors.ThrowIfAny();
        return await MarkReadAsync(chat, caller, upTo!.Value).ConfigureAwait(false);
    }

    /// <summary>Moves the marker of a member already checked (a socket's user).</summary>
    public async Task<long> MarkReadAsync(Core.Chat chat, User reader, long upTo)
    {
        if (_readRate.TryTake(reader.Id) is > 0 and var wait)
        {
            throw ApiException.Throttled(wait);
        }

        var (before, after) = await _database.WriteAsync(c =>
        {
            var current = ChatStore.LastRead(c, chat.Id, reader.Id) ?? throw ApiException.Forbidden();
            var target = Math.Min(upTo, MessageStore.MaxId(c, chat.Id));
            if (target <= current)
            {
                return (current, current);
            }

            ChatStore.MoveRead(c, chat.Id, reader.Id, target);
            return (current, target);
        }).ConfigureAwait(false);
        if (after > before)
        {
            _events.ReadMoved(new ReadMarker(chat.Id, reader, after));
        }

        return after;
    }

    /// <summary>The unread count of one member (for a user stream recounting after a change it cannot derive).</summary>
    public int Unread(long chatId, long userId, long lastRead) => _database.Read(c => ChatStore.Unread(c, chatId, userId, lastRead));

    /// <summary>Tells the chat's other sockets that <paramref name="user"/> is typing, at most once per
    /// <see cref="TypingThrottle.Interval"/> per user and chat (more are dropped); never stored.</summary>
    public void Typing(Core.Chat chat, User user)
    {
        if (_typing.TryPass(chat.Id, user.Id))
        {
            _events.Typing(chat.Id, user);
        }
    }
}
