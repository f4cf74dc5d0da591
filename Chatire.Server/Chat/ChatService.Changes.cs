using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>Editing and deleting messages. Each change takes a seq from the message id sequence inside the
/// write that makes it and is announced in the chat's timeline order, like a new message. Edits and
/// deletes count against the author's message rate (they are broadcast like posts).</summary>
public sealed partial class ChatService
{
    /// <summary>Replaces a message's text (its author only): 404 chat, 403 member, 404 message (or deleted),
    /// 403 author, 400 text, 429 rate. <paramref name="errors"/> holds the body's field errors.</summary>
    public async Task<AuthoredMessage> EditAsync(User caller, string uri, long id, string? text, FieldErrors errors)
    {
        var chat = FindForMember(uri, caller);
        var message = _messages.Find(chat.Id, id);
        if (message is null || message.Message.Deleted)
        {
            throw ApiException.NotFound();
        }

        if (message.Message.UserId != caller.Id)
        {
            throw ApiException.Forbidden("Only the author of a message may edit it.");
        }

        MessageRules.ValidateText(errors, text);
        errors.ThrowIfAny();
        Throttle(caller);
        var edited = Now;
        var entry = await AppendChangeAsync(chat, c =>
        {
            if (MessageStore.Find(c, chat.Id, id) is not { Message.Deleted: false } current)
            {
                throw ApiException.NotFound();
            }

            var seq = MessageStore.Edit(c, chat.Id, id, text!, edited);
            return new TimelineEntry(TimelineKind.Edit, seq, current with { Message = current.Message with { Text = text!, Edited = edited } });
        }).ConfigureAwait(false);
        return entry!.Message;
    }

    /// <summary>Deletes a message (its author or the chat's owner), leaving a tombstone: 404 chat, 403 member,
    /// 404 message, 403 author/owner, 429 rate. Deleting a deleted message changes nothing.</summary>
    public async Task DeleteMessageAsync(User caller, string uri, long id)
    {
        var chat = FindForMember(uri, caller);
        var message = _messages.Find(chat.Id, id) ?? throw ApiException.NotFound();
        if (message.Message.UserId != caller.Id && chat.OwnerId != caller.Id)
        {
            throw ApiException.Forbidden("Only the author of a message or the owner of the chat may delete it.");
        }

        if (message.Message.Deleted)
        {
            return;
        }

        Throttle(caller);
        var at = Now;
        await AppendChangeAsync(chat, c => MessageStore.Delete(c, chat.Id, id, at) is { } seq
            ? new TimelineEntry(TimelineKind.Delete, seq, message with { Message = message.Message with { Text = "", Deleted = true } })
            : null).ConfigureAwait(false);
    }

    private void Throttle(User caller)
    {
        if (_rate.TryTake(caller.Id) is > 0 and var wait)
        {
            throw ApiException.Throttled(wait);
        }
    }

    /// <summary>Runs a change inside the chat's timeline order and announces it after the commit.</summary>
    private async Task<TimelineEntry?> AppendChangeAsync(Core.Chat chat, Func<System.Data.Common.DbConnection, TimelineEntry?> change)
    {
        long reserved = 0;
        TimelineEntry? entry;
        try
        {
            entry = await _database.WriteInOrderAsync(chat.Id, c =>
            {
                MessageStore.LockChat(c, chat.Id);
                var made = change(c);
                if (made is not null)
                {
                    _announcer.Stored(c, made);
                    reserved = made.Position;
                }

                return made;
            }).ConfigureAwait(false);
        }
        catch
        {
            if (Volatile.Read(ref reserved) != 0)
            {
                _announcer.Failed(chat.Id, reserved);
            }

            throw;
        }

        if (entry is not null)
        {
            await _announcer.Committed(entry).ConfigureAwait(false);
        }

        return entry;
    }
}
