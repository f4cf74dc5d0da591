using System.Collections.Concurrent;
using System.Text;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Realtime;

/// <summary>
/// Every open user stream of this node, indexed by user and by the chats they follow, and the
/// coalescing of their <c>chat</c> frames. An event marks the chat due for the streams that follow it
/// (updating their counts in memory); a flush at most <see cref="Coalesce"/> later reads each due
/// chat once, serializes its shared part once, and writes each distinct (last_read, unread) ending
/// once — so a message in a chat with 1,000 members online costs one read and a handful of
/// serializations, not 1,000 queries. Indexes are copy-on-write arrays, read without locking.
/// </summary>
public sealed class UserStreams(ChatService chats)
{
    /// <summary>How long a chat's changes may wait to be sent as one frame.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(200);

    private readonly object _lock = new();
    private readonly ConcurrentDictionary<long, UserStreamConnection[]> _byUser = new();
    private readonly ConcurrentDictionary<long, UserStreamConnection[]> _byChat = new();
    private readonly Dictionary<UserStreamConnection, List<Opening>> _opening = [];
    private UserStreamConnection[] _openingStreams = [];
    private ConcurrentDictionary<long, byte> _due = new();
    private int _flushScheduled;

    /// <summary>Frames serialized by flushes (a test and metrics hook).</summary>
    public long FramesSerialized => Interlocked.Read(ref _serialized);

    private long _serialized;
    private long _flushTicks;

    /// <summary>Time spent flushing so far (reading due chats, serializing, queueing frames).</summary>
    public TimeSpan FlushTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _flushTicks));

    /// <summary>Subscribes a stream before its list is read; what happens meanwhile is remembered.</summary>
    public void BeginOpening(UserStreamConnection stream)
    {
        lock (_lock)
        {
            Add(_byUser, stream.UserId, stream);
            _opening[stream] = [];
            _openingStreams = [.. _opening.Keys];
        }
    }

    /// <summary>The list is read and followed: the stream joins the chat index, and chats that changed meanwhile are counted again.</summary>
    public void EndOpening(UserStreamConnection stream, IEnumerable<long> chatIds)
    {
        List<Opening> seen;
        lock (_lock)
        {
            foreach (var chatId in chatIds)
            {
                Add(_byChat, chatId, stream);
            }

            _opening.Remove(stream, out seen!);
            _openingStreams = [.. _opening.Keys];
        }

        foreach (var opening in seen)
        {
            if (opening.Gone is { } gone && (gone == 0 || gone == stream.UserId))
            {
                Unfollow(stream, opening.ChatId);
            }
            else
            {
                stream.Recount(opening.ChatId);
            }
        }
    }

    public void Remove(UserStreamConnection stream)
    {
        lock (_lock)
        {
            RemoveFrom(_byUser, stream.UserId, stream);
            foreach (var chatId in stream.FollowedChatIds())
            {
                RemoveFrom(_byChat, chatId, stream);
            }

            if (_opening.Remove(stream))
            {
                _openingStreams = [.. _opening.Keys];
            }
        }
    }

    public void MessagePublished(AuthoredMessage message)
    {
        Seen(message.Message.ChatId);
        foreach (var stream in Following(message.Message.ChatId))
        {
            stream.Message(message);
        }
    }

    public void MessageChanged(TimelineEntry change)
    {
        Seen(change.ChatId);
        foreach (var stream in Following(change.ChatId))
        {
            if (change.Kind == TimelineKind.Delete)
            {
                stream.Deleted(change.Message);
            }
            else
            {
                stream.Touch(change.ChatId);
            }
        }
    }

    public void ChatChanged(ChatChange change)
    {
        var chatId = change.Chat.Id;
        switch (change.Kind)
        {
            case ChatChangeKind.Created:
            case ChatChangeKind.MemberAdded:
                Seen(chatId);
                foreach (var stream in Following(chatId))
                {
                    stream.Touch(chatId);
                }

                foreach (var stream in Of(change.Member!.Id))
                {
                    Follow(stream, change.Chat, counted: change.Kind == ChatChangeKind.Created);
                }

                break;
            case ChatChangeKind.MemberRemoved:
                Seen(chatId, change.Member!.Id);
                foreach (var stream in Of(change.Member.Id))
                {
                    Unfollow(stream, chatId);
                }

                foreach (var stream in Following(chatId))
                {
                    stream.Touch(chatId);
                }

                break;
            case ChatChangeKind.Deleted:
                Seen(chatId, 0);
                foreach (var stream in Following(chatId))
                {
                    Unfollow(stream, chatId);
                }

                break;
            default:
                Seen(chatId);
                foreach (var stream in Following(chatId))
                {
                    stream.Touch(chatId);
                }

                break;
        }
    }

    public void ReadMoved(ReadMarker marker)
    {
        Seen(marker.ChatId);
        foreach (var stream in Of(marker.User.Id))
        {
            stream.ReadMoved(marker.ChatId, marker.UpTo);
        }
    }

    /// <summary>A chat has a frame due for some stream: a flush runs within <see cref="Coalesce"/>.</summary>
    public void MarkDirty(long chatId)
    {
        _due.TryAdd(chatId, 0);
        if (Interlocked.CompareExchange(ref _flushScheduled, 1, 0) == 0)
        {
            _ = FlushLaterAsync();
        }
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(Coalesce).ConfigureAwait(false);
        Volatile.Write(ref _flushScheduled, 0);
        var due = Interlocked.Exchange(ref _due, new ConcurrentDictionary<long, byte>());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var chatId in due.Keys)
        {
            try
            {
                Flush(chatId);
            }
            catch (DatabaseUnavailableException)
            {
                MarkDirty(chatId); // try again at the next flush
            }
        }

        Interlocked.Add(ref _flushTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
    }

    /// <summary>Sends the chat's frame to every following stream it is due for.</summary>
    private void Flush(long chatId)
    {
        var streams = Following(chatId);
        if (streams.Length == 0)
        {
            return;
        }

        byte[]? shared = null; // {"type":"chat","data":{...}}, read and serialized once, when first needed
        var frames = new Dictionary<(long, int), byte[]>();
        foreach (var stream in streams)
        {
            if (stream.TakeDue(chatId) is not { } numbers)
            {
                continue;
            }

            if (shared is null)
            {
                if (chats.Shared(chatId) is not { } view)
                {
                    return; // deleted: the removed frames went out with the event
                }

                shared = SocketProtocol.Chat(view);
                Interlocked.Increment(ref _serialized);
            }

            if (!frames.TryGetValue(numbers, out var frame))
            {
                frames[numbers] = frame = WithReadState(shared, numbers.LastRead, numbers.Unread);
                Interlocked.Increment(ref _serialized);
            }

            stream.Enqueue(new OutboundFrame(0, frame));
        }
    }

    /// <summary>The shared frame with the reader's numbers appended to its chat object: the frame ends with "}}".</summary>
    private static byte[] WithReadState(byte[] shared, long lastRead, int unread)
    {
        var tail = Encoding.ASCII.GetBytes($",\"last_read\":{lastRead},\"unread\":{unread}}}}}");
        var frame = new byte[shared.Length - 2 + tail.Length];
        shared.AsSpan(0, shared.Length - 2).CopyTo(frame);
        tail.CopyTo(frame.AsSpan(shared.Length - 2));
        return frame;
    }

    private void Follow(UserStreamConnection stream, Core.Chat chat, bool counted)
    {
        stream.Follow(chat, counted);
        lock (_lock)
        {
            Add(_byChat, chat.Id, stream);
        }

        MarkDirty(chat.Id);
    }

    private void Unfollow(UserStreamConnection stream, long chatId)
    {
        stream.Unfollow(chatId);
        lock (_lock)
        {
            RemoveFrom(_byChat, chatId, stream);
        }
    }

    /// <summary>Tells streams still reading their list that the chat changed (or, with <paramref name="gone"/>,
    /// that that user left it: 0 means the chat itself is gone).</summary>
    private void Seen(long chatId, long? gone = null)
    {
        if (Volatile.Read(ref _openingStreams).Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var list in _opening.Values)
            {
                list.Add(new Opening(chatId, gone));
            }
        }
    }

    private UserStreamConnection[] Following(long chatId) => _byChat.TryGetValue(chatId, out var streams) ? streams : [];

    private UserStreamConnection[] Of(long userId) => _byUser.TryGetValue(userId, out var streams) ? streams : [];

    private static void Add(ConcurrentDictionary<long, UserStreamConnection[]> index, long key, UserStreamConnection stream)
    {
        var current = index.TryGetValue(key, out var streams) ? streams : [];
        if (Array.IndexOf(current, stream) < 0)
        {
            index[key] = [.. current, stream];
        }
    }

    private static void RemoveFrom(ConcurrentDictionary<long, UserStreamConnection[]> index, long key, UserStreamConnection stream)
    {
        if (!index.TryGetValue(key, out var streams))
        {
            return;
        }

        var rest = streams.Where(s => s != stream).ToArray();
        if (rest.Length == 0)
        {
            index.TryRemove(key, out _);
        }
        else
        {
            index[key] = rest;
        }
    }

    private readonly record struct Opening(long ChatId, long? Gone);
}
