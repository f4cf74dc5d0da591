using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Chatire.Api.Wire;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Api;

/// <summary>
/// The newest page of a chat's history, already serialized: the common read ("the latest messages")
/// is answered without touching the database or serializing a message again. A chat is loaded on
/// its first read and kept current by the announcements of new messages (which come in id order,
/// after commit). A load holds the chat's lock, so an announcement is either already in the loaded
/// rows or appended after them, never lost or doubled. Copies are dropped when this process changes
/// a user (message authors are embedded) or when a message in them is edited or deleted, and reloaded
/// after <see cref="Freshness"/>, which bounds how long a change made by another process (the CLI
/// deleting a user) can go unseen.
/// </summary>
public sealed class HistoryCache(ChatService chats, UserStore users, int chatCapacity = HistoryCache.DefaultChatCapacity) : IChatEvents
{
    /// <summary>Messages kept per chat: a read asking for more goes to the database.</summary>
    public const int PageCapacity = ChatService.DefaultHistoryLimit;
    public const int DefaultChatCapacity = 256;
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<long, Page> _pages = new();

    /// <summary>The answer for the newest <paramref name="limit"/> messages, or null when this read is not one the cache can answer.</summary>
    public byte[]? Newest(Core.Chat chat, int limit)
    {
        if (limit > PageCapacity || chatCapacity == 0)
        {
            return null;
        }

        var version = users.ProfileVersion;
        if (!_pages.TryGetValue(chat.Id, out var page))
        {
            if (_pages.Count >= chatCapacity)
            {
                EvictOldest();
            }

            page = _pages.GetOrAdd(chat.Id, _ => new Page());
        }

        lock (page)
        {
            if (!page.Loaded || page.ProfileVersion != version || Stopwatch.GetElapsedTime(page.LoadedAt) > Freshness)
            {
                Load(page, chat, version);
            }

            page.LastUsed = Stopwatch.GetTimestamp();
            return page.Answer(chat, limit);
        }
    }

    public void MessagePublished(AuthoredMessage message)
    {
        if (!_pages.TryGetValue(message.Message.ChatId, out var page))
        {
            return;
        }

        lock (page)
        {
            if (page.Loaded && message.Message.Id > page.LastId)
            {
                page.Append(message.Message.Id, Serialize(message));
            }
        }
    }

    /// <summary>An edit or delete changes a message already in the page: the page is read afresh next time.</summary>
    public void MessageChanged(TimelineEntry change) => Invalidate(change.ChatId);

    public void ChatChanged(ChatChange change)
    {
        if (change.Kind == ChatChangeKind.Deleted)
        {
            _pages.TryRemove(change.Chat.Id, out _);
        }
    }

    public void ReadMoved(ReadMarker marker)
    {
    }

    public void Typing(long chatId, User user)
    {
    }

    private void Invalidate(long chatId)
    {
        if (_pages.TryGetValue(chatId, out var page))
        {
            lock (page)
            {
                page.Invalidate();
            }
        }
    }

    private void Load(Page page, Core.Chat chat, long version)
    {
        var messages = chats.Newest(chat, PageCapacity);
        page.Reset(version);
        foreach (var message in messages)
        {
            page.Append(message.Message.Id, Serialize(message));
        }
    }

    private void EvictOldest()
    {
        var oldest = _pages.MinBy(p => Volatile.Read(ref p.Value.LastUsed));
        _pages.TryRemove(oldest.Key, out _);
    }

    private static byte[] Serialize(AuthoredMessage message) => JsonSerializer.SerializeToUtf8Bytes(message.ToDto(), ApiJsonContext.Wire.MessageDto);

    /// <summary>One chat's newest messages (oldest first), at most <see cref="PageCapacity"/>.</summary>
    private sealed class Page
    {
        private readonly Queue<(long Id, byte[] Json)> _messages = new(PageCapacity);
        private (int Limit, byte[] Body)? _lastAnswer; // until the page changes
        public long LastUsed;

        public bool Loaded { get; private set; }
        public long ProfileVersion { get; private set; }
        public long LoadedAt { get; private set; }
        public long LastId { get; private set; }

        public void Reset(long version)
        {
            _messages.Clear();
            _lastAnswer = null;
            LastId = 0;
            ProfileVersion = version;
            LoadedAt = Stopwatch.GetTimestamp();
            Loaded = true;
        }

        public void Invalidate()
        {
            Loaded = false;
            _lastAnswer = null;
        }

        public void Append(long id, byte[] json)
        {
            if (_messages.Count == PageCapacity)
            {
                _messages.Dequeue();
            }

            _messages.Enqueue((id, json));
            _lastAnswer = null;
            LastId = id;
        }

        /// <summary>The history answer, written as the serializer would write MessageHistoryResponse.</summary>
        public byte[] Answer(Core.Chat chat, int limit)
        {
            if (_lastAnswer is { } last && last.Limit == limit)
            {
                return last.Body;
            }

            var skip = Math.Max(0, _messages.Count - limit);
            var size = 64 + chat.Uri.Length;
            foreach (var (_, json) in _messages.Skip(skip))
            {
                size += json.Length + 1;
            }

            var buffer = new System.Buffers.ArrayBufferWriter<byte>(size);
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJsonContext.Wire.Options.Encoder, SkipValidation = true }))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", chat.Id);
                writer.WriteString("uri", chat.Uri);
                writer.WriteStartArray("messages");
                foreach (var (_, json) in _messages.Skip(skip))
                {
                    writer.WriteRawValue(json, skipInputValidation: true);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            var body = buffer.WrittenSpan.ToArray();
            _lastAnswer = (limit, body);
            return body;
        }
    }
}
