using System.Security.Cryptography;
using Chatire.Auth;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>
/// Chat sessions and their messages: the rules and operations the HTTP API and the WebSocket share
/// (membership changes, edits and deletes, and read state are in the other parts of this class).
/// Checks run in the contract's order: no such chat (404), not allowed (403), then fields (400).
/// A change is committed first, then announced through <see cref="IChatEvents"/>, then answered.
/// </summary>
public sealed partial class ChatService
{
    public const int DefaultHistoryLimit = 100;
    public static readonly TimeSpan LookupLifetime = TimeSpan.FromSeconds(1);
    private readonly ExpiringCache<string, Core.Chat> _chatsByUri;
    private readonly ExpiringCache<(long ChatId, long UserId), bool> _members;
    public const int MaxHistoryLimit = 1000;
    public const int MaxReplay = 10_000;

    private readonly Database _database;
    private readonly ChatStore _chats;
    private readonly MessageStore _messages;
    private readonly UserStore _users;
    private readonly MessageRateLimiter _rate;
    private readonly IClock _clock;
    private readonly IMessageAnnouncer _announcer;
    private readonly MessageRateLimiter _readRate;
    private readonly TypingThrottle _typing;
    private IChatEvents _events = NoChatEvents.Instance;
    private Action? _messageStored;

    /// <param name="announcer">How stored messages reach listeners; by default this process only (<see cref="MessageSequencer"/>).</param>
    public ChatService(Database database, ChatStore chats, MessageStore messages, UserStore users, MessageRateLimiter rate, IClock clock, IMessageAnnouncer? announcer = null)
    {
        _readRate = new MessageRateLimiter(ReadRate, ReadBurst, clock);
        _typing = new TypingThrottle(clock);
        _database = database;
        _chats = chats;
        _messages = messages;
        _users = users;
        _rate = rate;
        _clock = clock;
        _announcer = announcer ?? new MessageSequencer();
        _chatsByUri = new(LookupLifetime, clock);
        _members = new(LookupLifetime, clock);
    }

    /// <summary>Sets who hears about changes on this node (the realtime hub and caches) and, in a cluster, who
    /// tells the other nodes about the changes that do not travel with the timeline (<paramref name="relay"/>).
    /// Changes heard from other nodes also drop this service's cached lookups of the chat.</summary>
    public void Subscribe(IChatEvents events, IChatEvents? relay = null)
    {
        var local = new ChatEventFanout(new LookupInvalidation(this), events);
        _announcer.Subscribe(local);
        _events = relay is null ? local : new ChatEventFanout(local, relay);
    }

    /// <summary>Called once per message stored (metrics).</summary>
    public void OnMessageStored(Action action) => _messageStored = action;

    private string Now => Timestamps.ToText(_clock.UtcNow);

    /// <summary>15 lowercase hex characters from a CSPRNG.</summary>
    public static string NewUri() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))[..15];

    /// <summary>Creates a chat (named <paramref name="name"/>, "" for none, checked by <see cref="ValidateName"/>).</summary>
    public async Task<Core.Chat> CreateAsync(User owner, string name = "")
    {
        var chat = await _chats.CreateAsync(owner.Id, NewUri, Now, name).ConfigureAwait(false);
        _events.ChatChanged(new ChatChange(ChatChangeKind.Created, chat, owner));
        return chat;
    }

    /// <summary>The chats the user belongs to, most recently active first, with the user's read state.</summary>
    public IReadOnlyList<ChatView> List(User user) => _database.Read(c =>
        ChatStore.ListForUser(c, user.Id).Select(entry => View(c, entry.Chat, user.Id, entry.LastRead)).ToList());

    /// <summary>A chat with the user's read state; 404 when unknown, 403 for a non-member.</summary>
    public ChatView Detail(User user, string uri) => _database.Read(c =>
    {
        var chat = ChatStore.FindByUri(c, uri) ?? throw ApiException.NotFound();
        return ChatStore.LastRead(c, chat.Id, user.Id) is { } lastRead ? View(c, chat, user.Id, lastRead) : throw ApiException.Forbidden();
    });

    /// <summary>The chat as every member sees it (no read state), or null once it is gone.</summary>
    public ChatView? Shared(long chatId) => _database.Read(c => ChatStore.FindById(c, chatId) is { } chat ? View(c, chat) : null);

    /// <summary>The chat for one member, or null when it is gone or they are no longer a member.</summary>
    public ChatView? For(long chatId, long userId) => _database.Read(c =>
        ChatStore.FindById(c, chatId) is { } chat && ChatStore.LastRead(c, chatId, userId) is { } lastRead ? View(c, chat, userId, lastRead) : null);

    /// <summary>
    /// The chat by uri, or 404, for access checks. An answer is remembered for <see cref="LookupLifetime"/>:
    /// this process forgets it when it renames or deletes the chat; a change made through another node is
    /// seen within that time (what the contract allows). Views read the chat afresh.
    /// </summary>
    public Core.Chat Find(string uri)
    {
        if (!_chatsByUri.TryGet(uri, out var chat))
        {
            chat = _chats.FindByUri(uri) ?? throw ApiException.NotFound();
            _chatsByUri.Set(uri, chat);
        }

        return chat;
    }

    /// <summary>Whether the user is a member. A yes is remembered for <see cref="LookupLifetime"/>: this
    /// process forgets it when the member leaves or is removed; a removal through another node (or the CLI
    /// deleting a user) is seen within that time.</summary>
    public bool IsMember(Core.Chat chat, long userId)
    {
        if (_members.TryGet((chat.Id, userId), out _))
        {
            return true;
        }

        if (!_chats.IsMember(chat.Id, userId))
        {
            return false;
        }

        _members.Set((chat.Id, userId), true);
        return true;
    }

    /// <summary>The chat by uri for a member: 404 when unknown, 403 for a non-member.</summary>
    public Core.Chat FindForMember(string uri, User user)
    {
        var chat = Find(uri);
        return IsMember(chat, user.Id) ? chat : throw ApiException.Forbidden();
    }

    /// <summary>Joins the caller, or (owner only) the user named by <paramref name="username"/>.
    /// <paramref name="errors"/> holds the body's field errors, thrown after the 404 and 403 checks.</summary>
    public async Task<JoinResult> JoinAsync(User caller, string uri, string? username, FieldErrors errors)
    {
        var chat = Find(uri);
        var joining = caller;
        if (username is not null && Usernames.Key(username) != Usernames.Key(caller.Username))
        {
            if (chat.OwnerId != caller.Id)
            {
                throw ApiException.Forbidden("Only the owner of the chat may add other users.");
            }

            errors.ThrowIfAny();
            var other = _users.FindByUsername(username);
            if (other is null || !other.IsActive)
            {
                throw new ValidationException("username", "User not found.");
            }

            joining = other;
        }

        errors.ThrowIfAny();
        var (members, added) = await _chats.AddMemberAsync(chat.Id, joining.Id, Now).ConfigureAwait(false);
        if (added)
        {
            _events.ChatChanged(new ChatChange(ChatChangeKind.MemberAdded, chat, joining));
        }

        return new JoinResult(members, joining);
    }

    /// <summary>Message history (oldest first). <paramref name="errors"/> holds query errors, thrown after 404/403.</summary>
    public (Core.Chat Chat, IReadOnlyList<AuthoredMessage> Messages) History(User user, string uri, int? limit, long? before, long? after, FieldErrors errors)
    {
        var chat = FindForMember(uri, user);
        errors.ThrowIfAny();
        var count = Math.Min(limit ?? DefaultHistoryLimit, MaxHistoryLimit);
        var messages = after is { } a
            ? _messages.Oldest(chat.Id, count, a, before ?? long.MaxValue)
            : _messages.Newest(chat.Id, count, before ?? long.MaxValue);
        return (chat, messages);
    }

    /// <summary>The newest <paramref name="limit"/> stored messages of the chat (oldest first); no access check.</summary>
    public IReadOnlyList<AuthoredMessage> Newest(Core.Chat chat, int limit) => _messages.Newest(chat.Id, limit);

    /// <summary>The chat's timeline after <paramref name="since"/>: every message stored and every edit and delete
    /// made after it (at most <see cref="MaxReplay"/> entries), in position order.</summary>
    public IReadOnlyList<TimelineEntry> Since(Core.Chat chat, long since) => _messages.Timeline(chat.Id, since, MaxReplay);

    /// <summary>Validates a message and its client_id; throws 400 with field errors.</summary>
    public static void Validate(string? text, string? clientId, FieldErrors errors)
    {
        MessageRules.ValidateText(errors, text);
        MessageRules.ValidateClientId(errors, clientId);
        errors.ThrowIfAny();
    }

    /// <summary>
    /// Posts to a chat the author is known to be a member of (checks done by the caller): an earlier
    /// message with the same client_id is returned as it is (and costs no rate-limit token); otherwise
    /// the per-user rate limit applies (429), the message is committed, announced in id order, and
    /// returned. Posting moves the author's read marker to the message (who writes has seen the chat);
    /// no read frame is sent for that move, the message frame itself shows it. The client_id check runs inside the write, so a message is stored once; only a post
    /// over the limit looks for an earlier copy first, so a retry is answered rather than throttled.
    /// </summary>
    public async Task<PostResult> PostAsync(Core.Chat chat, User author, string text, string? clientId)
    {
        if (_rate.TryTake(author.Id) is > 0 and var wait)
        {
            if (clientId is not null && _messages.FindByClientId(chat.Id, author.Id, clientId) is { } existing)
            {
                return new PostResult(existing, false);
            }

            throw ApiException.Throttled(wait);
        }

        var created = Now;
        long reservedId = 0;
        AuthoredMessage stored;
        bool isNew;
        try
        {
            (stored, isNew) = await _database.WriteInOrderAsync(chat.Id, c =>
            {
                MessageStore.LockChat(c, chat.Id);
                if (MessageStore.TryInsert(c, chat.Id, author.Id, text, created, clientId) is not { } id)
                {
                    return (MessageStore.FindByClientId(c, chat.Id, author.Id, clientId!)!, false);
                }

                ChatStore.Touch(c, chat.Id, created);
                ChatStore.MoveRead(c, chat.Id, author.Id, id);
                var message = new AuthoredMessage(new ChatMessage(id, chat.Id, chat.Uri, author.Id, text, created, clientId), author);
                _announcer.Stored(c, new TimelineEntry(TimelineKind.Message, id, message));
                reservedId = id;
                return (message, true);
            }).ConfigureAwait(false);
        }
        catch
        {
            if (Volatile.Read(ref reservedId) != 0)
            {
                _announcer.Failed(chat.Id, reservedId);
            }

            throw;
        }

        if (!isNew)
        {
            _rate.Refund(author.Id);
            return new PostResult(stored, false);
        }

        _messageStored?.Invoke();
        await _announcer.Committed(new TimelineEntry(TimelineKind.Message, stored.Message.Id, stored)).ConfigureAwait(false);
        return new PostResult(stored, true);
    }

    private static ChatView View(System.Data.Common.DbConnection c, Core.Chat chat, long? readerId = null, long lastRead = 0)
    {
        var members = ChatStore.Members(c, chat.Id);
        var owner = members.FirstOrDefault(m => m.Id == chat.OwnerId) ?? members[0];
        var last = MessageStore.Last(c, chat.Id);
        return readerId is { } reader
            ? new ChatView(chat, owner, members, last, lastRead, ChatStore.Unread(c, chat.Id, reader, lastRead))
            : new ChatView(chat, owner, members, last);
    }
}
