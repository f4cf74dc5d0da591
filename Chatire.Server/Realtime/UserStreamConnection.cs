using System.Net.WebSockets;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Observability;
using Chatire.Storage;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// One user stream (<c>/ws/me/</c>): the first frame is the user's chat list; after it, <see cref="UserStreams"/>
/// queues a <c>chat</c> frame per changed chat (coalesced) and a <c>removed</c> frame when the user leaves a
/// chat. The stream keeps, per chat it follows, the user's read marker and unread count, moved by the
/// events themselves (a new message from someone else adds one), so an update costs no query; only what
/// cannot be derived (a marker moved, a join, a delete past the cap) is counted again.
/// </summary>
public sealed class UserStreamConnection : RealtimeSocket
{
    private readonly Dictionary<long, Followed> _follows = [];
    private readonly ChatService _chats;
    private readonly UserStreams _streams;
    private readonly ILogger _log;
    private readonly int _maxFrameBytes;
    private readonly PostPipeline _answers;

    public UserStreamConnection(Principal principal, string token, bool batching, int queueCapacity, int maxFrameBytes, ChatService chats, UserStreams streams, Metrics metrics, ILogger log)
        : base(principal, token, new Outbox(queueCapacity, batching, metrics, log, "user stream of " + principal.User.Username))
    {
        _chats = chats;
        _streams = streams;
        _log = log;
        _maxFrameBytes = maxFrameBytes;
        _answers = new PostPipeline(Outbox, ProtocolVersion.V2, log, "user stream");
        UserId = principal.User.Id;
    }

    public long UserId { get; }

    public override async Task RunAsync(WebSocket socket)
    {
        Outbox.Attach(socket);
        try
        {
            var opening = Task.Run(OpenAsync);
            await FrameReader.RunAsync(socket, Outbox, _maxFrameBytes, NoFramesAsync, _log, "user stream").ConfigureAwait(false);
            await opening.ConfigureAwait(false);
            await Outbox.Done.ConfigureAwait(false);
        }
        finally
        {
            _streams.Remove(this);
            Outbox.Dispose();
            socket.Dispose();
        }
    }

    /// <summary>Reads the list after subscribing (so nothing falls between), follows its chats, sends it first.</summary>
    private async Task OpenAsync()
    {
        try
        {
            _streams.BeginOpening(this);
            var list = _chats.List(User!);
            lock (_follows)
            {
                foreach (var view in list)
                {
                    _follows[view.Chat.Id] = new Followed(view.Chat.Uri, view.LastRead ?? 0, view.Unread ?? 0);
                }
            }

            _streams.EndOpening(this, list.Select(v => v.Chat.Id));
            await Outbox.SendNowAsync(SocketProtocol.Chats(list)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Outbox.Fail(ex);
            return;
        }

        Outbox.Open();
    }

    /// <summary>The user stream takes no client frames: each gets an error frame.</summary>
    private ValueTask NoFramesAsync(ReadOnlyMemory<byte> utf8)
    {
        _answers.Invalid("The user stream takes no frames.");
        return ValueTask.CompletedTask;
    }

    /// <summary>Starts following a chat (created, or the user was added); its counts are read at the next flush.</summary>
    public void Follow(Core.Chat chat, bool counted)
    {
        lock (_follows)
        {
            if (!_follows.ContainsKey(chat.Id))
            {
                _follows[chat.Id] = new Followed(chat.Uri, 0, 0) { Recount = !counted, Dirty = true };
            }
        }
    }

    /// <summary>The chats this stream follows (to leave the index when it closes).</summary>
    public long[] FollowedChatIds()
    {
        lock (_follows)
        {
            return [.. _follows.Keys];
        }
    }

    /// <summary>Stops following a chat and queues the removed frame; false when it was not followed.</summary>
    public bool Unfollow(long chatId)
    {
        string uri;
        lock (_follows)
        {
            if (!_follows.Remove(chatId, out var follow))
            {
                return false;
            }

            uri = follow.Uri;
        }

        Enqueue(new OutboundFrame(0, SocketProtocol.Removed(uri)));
        return true;
    }

    /// <summary>A change of the chat as everyone sees it (rename, members, an edit): its frame is due.</summary>
    public void Touch(long chatId) => Change(chatId, static (_, _) => { });

    /// <summary>A new message: one more unread, unless it is the user's own, which moved their marker to it
    /// (and, as a chat's messages are announced in id order, nothing after it has been counted yet).</summary>
    public void Message(AuthoredMessage message) => Change(message.Message.ChatId, (follow, userId) =>
    {
        follow.Events++;
        if (message.Message.UserId == userId)
        {
            follow.LastRead = Math.Max(follow.LastRead, message.Message.Id);
            follow.Unread = 0;
        }
        else if (!message.Message.Deleted && follow.Unread < ChatStore.UnreadCap)
        {
            follow.Unread++;
        }
    });

    /// <summary>A deleted message no longer counts; past the cap the count is read again.</summary>
    public void Deleted(AuthoredMessage message) => Change(message.Message.ChatId, (follow, userId) =>
    {
        follow.Events++;
        if (message.Message.UserId == userId || message.Message.Id <= follow.LastRead)
        {
            return;
        }

        if (follow.Unread >= ChatStore.UnreadCap)
        {
            follow.Recount = true;
        }
        else if (follow.Unread > 0)
        {
            follow.Unread--;
        }
    });

    /// <summary>The user's marker moved (from any device): the count is read again.</summary>
    public void ReadMoved(long chatId, long upTo) => Change(chatId, (follow, _) =>
    {
        follow.Events++;
        follow.LastRead = Math.Max(follow.LastRead, upTo);
        follow.Recount = true;
    });

    /// <summary>Something may have changed while the list was being read: count again.</summary>
    public void Recount(long chatId) => Change(chatId, static (follow, _) =>
    {
        follow.Events++;
        follow.Recount = true;
    });

    private void Change(long chatId, Action<Followed, long> change)
    {
        lock (_follows)
        {
            if (!_follows.TryGetValue(chatId, out var follow))
            {
                return;
            }

            change(follow, UserId);
            follow.Dirty = true;
        }

        _streams.MarkDirty(chatId);
    }

    /// <summary>If the chat's frame is due, the numbers to put in it (recounting first when needed).</summary>
    public (long LastRead, int Unread)? TakeDue(long chatId)
    {
        long lastRead;
        int events;
        lock (_follows)
        {
            if (!_follows.TryGetValue(chatId, out var follow) || !follow.Dirty)
            {
                return null;
            }

            if (!follow.Recount)
            {
                follow.Dirty = false;
                return (follow.LastRead, follow.Unread);
            }

            lastRead = follow.LastRead;
            events = follow.Events;
        }

        var counted = _chats.Unread(chatId, UserId, lastRead);
        lock (_follows)
        {
            if (!_follows.TryGetValue(chatId, out var follow))
            {
                return null;
            }

            if (follow.Events != events || follow.LastRead != lastRead)
            {
                // Changed while counting: count again at the next flush.
                _streams.MarkDirty(chatId);
                return null;
            }

            follow.Unread = counted;
            follow.Recount = false;
            follow.Dirty = false;
            return (follow.LastRead, follow.Unread);
        }
    }

    private sealed class Followed(string uri, long lastRead, int unread)
    {
        public string Uri { get; } = uri;
        public long LastRead { get; set; } = lastRead;
        public int Unread { get; set; } = unread;
        public bool Recount { get; set; }
        public bool Dirty { get; set; }
        public int Events { get; set; }
    }
}
