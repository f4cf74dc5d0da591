using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chatire.Auth;
using Chatire.Chat;
using Chatire.Storage;
using Npgsql;
using Serilog;

namespace Chatire.Cluster;

/// <summary>
/// The fan-out between the nodes of a cluster, on PostgreSQL's LISTEN/NOTIFY. A message's NOTIFY is
/// sent inside the transaction that stores it, after the chat's row lock: PostgreSQL delivers
/// notifications at commit, in commit order, so every node hears a chat's messages in id order —
/// including the node that stored them, which delivers its own messages from the bus too (one
/// ordered stream per node). Session events (revocation, deactivation) are sent after their commit;
/// other nodes drop their cached token lookups and close the affected sockets. Edits and deletes travel
/// like messages (in their transaction, after the chat's row lock: one ordered timeline per chat);
/// chat changes, read markers and typing notices are sent after they happen and handled by the other
/// nodes only (the node that made them has delivered them itself).
/// <para>Each node keeps one LISTEN connection. When it drops, the node reconnects with backoff and,
/// before going live again, delivers to every chat with local sockets what was stored after the last
/// message it delivered there; ids it has delivered are never delivered again.</para>
/// </summary>
public sealed class ClusterBus : IMessageAnnouncer, ISessionEvents, IChatEvents, IAsyncDisposable
{
    public const string Channel = "chatire";

    /// <summary>PostgreSQL refuses payloads of 8000 bytes or more; bigger messages travel as ids.</summary>
    private const int MaxPayloadBytes = 7999;

    /// <summary>How long a post waits for its own message to come back before answering anyway (it is
    /// stored; the bus delivers it when it can).</summary>
    private static readonly TimeSpan OwnDeliveryWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly PostgresDatabase _database;
    private readonly MessageStore _messages;
    private readonly ILogger _log;
    private readonly string _listenConnectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly Dictionary<long, long> _lastDelivered = [];
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private IChatEvents _events = NoChatEvents.Instance;
    private ISessionEvents _sessions = NoSessionEvents.Instance;
    private Action _dropCachedLookups = () => { };
    private Func<IEnumerable<long>> _localChats = () => [];
    private Action<double> _lag = _ => { };
    private IPresenceListener? _presence;
    private long _floor;
    private Task? _loop;
    private volatile bool _live;

    public ClusterBus(PostgresDatabase database, MessageStore messages, ILogger log)
    {
        _database = database;
        _messages = messages;
        _log = log;
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 1,
            ApplicationName = "chatire-bus",
        };
        _listenConnectionString = builder.ConnectionString;
    }

    /// <summary>This node's name on the bus (random per start).</summary>
    public string Node { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>True while the LISTEN connection is up and caught up.</summary>
    public bool IsLive => _live;

    /// <summary>Completes when the bus first goes live (a node answers only once it hears the cluster).</summary>
    public Task Ready => _ready.Task;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Subscribe(IChatEvents events) => _events = events;

    /// <summary>Wires the node's side: who closes sockets for session events from other nodes, what drops
    /// cached token lookups, which chats have local sockets (for the catch-up after a reconnect), and
    /// where delivery lag is observed.</summary>
    public void Attach(ISessionEvents localSessions, Action dropCachedLookups, Func<IEnumerable<long>> localChats, Action<double> observeLag)
    {
        _sessions = localSessions;
        _dropCachedLookups = dropCachedLookups;
        _localChats = localChats;
        _lag = observeLag;
    }

    /// <summary>Who hears other nodes' presence changes (the hub).</summary>
    public void AttachPresence(IPresenceListener listener) => _presence = listener;

    public void Start() => _loop = Task.Run(RunAsync);

    public void Stored(DbConnection connection, TimelineEntry entry)
    {
        var payload = Encode(BusEvent.Of(entry, Node, NowMicros()));
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            payload = Encode(BusEvent.IdsOf(entry, Node, NowMicros()));
        }

        Notify(connection, payload);
    }

    public void Failed(long chatId, long id)
    {
        // The transaction rolled back, and its notification with it.
    }

    public async Task Committed(TimelineEntry entry)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_lastDelivered.TryGetValue(entry.ChatId, out var last) && last >= entry.Position)
            {
                return;
            }

            _waiting[entry.Position] = waiter;
        }

        try
        {
            await waiter.Task.WaitAsync(OwnDeliveryWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Stored and acknowledged; the bus delivers it once it is back.
        }
        finally
        {
            _waiting.TryRemove(entry.Position, out _);
        }
    }

    // Timeline entries travel through Stored (in their transaction); these are the other chat events,
    // which this node has already delivered to its own listeners and now tells the other nodes.
    void IChatEvents.MessagePublished(AuthoredMessage message)
    {
    }

    void IChatEvents.MessageChanged(TimelineEntry change)
    {
    }

    public void ChatChanged(ChatChange change)
    {
        var kind = change.Kind switch
        {
            ChatChangeKind.Created => "created",
            ChatChangeKind.Renamed => "renamed",
            ChatChangeKind.MemberAdded => "added",
            ChatChangeKind.MemberRemoved => "removed",
            _ => "deleted",
        };
        var chat = change.Chat;
        Send(new BusEvent(BusEvent.ChatChange, Node, NowMicros(), ChatId: chat.Id, UserId: chat.OwnerId, Uri: chat.Uri, Text: chat.Name, Created: chat.Created,
            Author: change.Member is { } member ? BusAuthor.From(member) : null, ChangeKind: kind), "a chat change");
    }

    public void ReadMoved(ReadMarker marker) =>
        Send(new BusEvent(BusEvent.Read, Node, NowMicros(), marker.UpTo, marker.ChatId, marker.User.Id, Author: BusAuthor.From(marker.User)), "a read marker");

    public void Typing(long chatId, Core.User user) =>
        Send(new BusEvent(BusEvent.Typing, Node, NowMicros(), ChatId: chatId, UserId: user.Id, Author: BusAuthor.From(user)), "a typing notice");

    /// <summary>Sends a notification after the fact, without waiting for it.</summary>
    private void Send(BusEvent e, string what)
    {
        var payload = Encode(e);
        _ = Task.Run(async () =>
        {
            try
            {
                await _database.WriteAsync(c => Notify(c, payload)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _log.Warning(ex, "Could not tell the other nodes about {What}", what);
            }
        });
    }

    private static ChatChange? ToChatChange(BusEvent e)
    {
        if (e.Uri is null || e.Created is null)
        {
            return null;
        }

        var kind = e.ChangeKind switch
        {
            "created" => ChatChangeKind.Created,
            "renamed" => ChatChangeKind.Renamed,
            "added" => ChatChangeKind.MemberAdded,
            "removed" => ChatChangeKind.MemberRemoved,
            "deleted" => ChatChangeKind.Deleted,
            _ => (ChatChangeKind?)null,
        };
        return kind is { } k ? new ChatChange(k, new Core.Chat(e.ChatId, e.Uri, e.UserId, e.Created, e.Text ?? ""), e.Author?.ToUser()) : null;
    }

    public void TokensRevoked(long userId, Func<long, bool> isRevoked) => NotifySessions(userId, deactivated: false);

    public void UserDeactivated(long userId) => NotifySessions(userId, deactivated: true);

    private void NotifySessions(long userId, bool deactivated)
    {
        var payload = Encode(new BusEvent(BusEvent.Sessions, Node, NowMicros(), UserId: userId, Deactivated: deactivated));
        _ = Task.Run(async () =>
        {
            try
            {
                await _database.WriteAsync(c => Notify(c, payload)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Other nodes still see the revocation within their cache lifetime and on their next check.
                _log.Warning(ex, "Could not tell the other nodes that sessions of user {UserId} ended", userId);
            }
        });
    }

    /// <summary>Sends a session event from outside a node (the CLI), so every node closes what it affects.</summary>
    public static async Task NotifySessionsAsync(PostgresDatabase database, long userId, bool deactivated)
    {
        var payload = Encode(new BusEvent(BusEvent.Sessions, "cli", NowMicros(), UserId: userId, Deactivated: deactivated));
        await database.WriteAsync(c => Notify(c, payload)).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="e"/> inside the caller's transaction.</summary>
    public static void Notify(DbConnection connection, BusEvent e) => Notify(connection, Encode(e));

    private static void Notify(DbConnection connection, string payload) =>
        Database.Execute(connection, "SELECT pg_notify(@channel, @payload)", ("@channel", Channel), ("@payload", payload));

    private static string Encode(BusEvent e) => JsonSerializer.Serialize(e, BusJsonContext.Relaxed.BusEvent);

    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private async Task RunAsync()
    {
        var backoff = MinBackoff;
        var connectedBefore = false;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_listenConnectionString);
                await connection.OpenAsync(token).ConfigureAwait(false);
                connection.Notification += (_, e) => Handle(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                // Listening now: anything committed from here on is heard. Catch up on what was missed.
                var floor = _database.Read(c => Database.Scalar<long>(c,
                    "SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM messages), (SELECT COALESCE(MAX(seq), 0) FROM message_changes))"));
                if (connectedBefore)
                {
                    CatchUp();
                    _log.Information("Cluster bus reconnected; caught up");
                }

                _floor = floor;
                connectedBefore = true;
                backoff = MinBackoff;
                _live = true;
                _ready.TrySetResult();
                while (true)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (_live)
                {
                    _log.Warning("Cluster bus lost its connection to PostgreSQL ({Error}); reconnecting", ex.Message);
                }

                _live = false;
                try
                {
                    await Task.Delay(backoff, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }

        _live = false;
    }

    /// <summary>Delivers, for every chat with local sockets, the timeline (messages, edits, deletes) after the last entry delivered there.</summary>
    private void CatchUp()
    {
        foreach (var chatId in _localChats().ToList())
        {
            long after;
            lock (_lock)
            {
                after = _lastDelivered.TryGetValue(chatId, out var last) ? last : _floor;
            }

            while (true)
            {
                var page = _messages.Timeline(chatId, after, ChatService.MaxReplay);
                foreach (var entry in page)
                {
                    Deliver(entry);
                }

                if (page.Count < ChatService.MaxReplay)
                {
                    break;
                }

                after = page[^1].Position;
            }
        }
    }

    private void Handle(string payload)
    {
        BusEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(payload, BusJsonContext.Relaxed.BusEvent);
        }
        catch (JsonException)
        {
            _log.Warning("Cluster bus ignored a notification it cannot read");
            return;
        }

        if (e is null)
        {
            return;
        }

        try
        {
            switch (e.Kind)
            {
                case BusEvent.Message or BusEvent.Edit or BusEvent.Delete:
                    if (e.Node != Node)
                    {
                        _lag(Math.Max(0, NowMicros() - e.SentMicros) / 1_000_000.0);
                    }

                    if (e.ToEntry() is { } entry)
                    {
                        Deliver(entry);
                    }
                    else if (!AlreadyDelivered(e.ChatId, e.Id) && _messages.FindById(e.MessageIdOrId) is { } stored)
                    {
                        Deliver(new TimelineEntry(e.TimelineKind, e.Id, stored));
                    }

                    break;
                case BusEvent.ChatChange when e.Node != Node:
                    if (ToChatChange(e) is { } change)
                    {
                        _events.ChatChanged(change);
                    }

                    break;
                case BusEvent.Read when e.Node != Node && e.Author is not null:
                    _events.ReadMoved(new ReadMarker(e.ChatId, e.Author.ToUser(), e.Id));
                    break;
                case BusEvent.Typing when e.Node != Node && e.Author is not null:
                    _events.Typing(e.ChatId, e.Author.ToUser());
                    break;
                case BusEvent.Sessions when e.Node != Node:
                    SessionsEnded(e.UserId, e.Deactivated);
                    break;
                case BusEvent.Presence when e.Node != Node && _presence is not null:
                    if (e.Online && e.Author is not null)
                    {
                        _presence.RemoteJoined(e.Node, e.ChatId, e.Author.ToUser());
                    }
                    else if (!e.Online)
                    {
                        _presence.RemoteLeft(e.Node, e.ChatId, e.UserId);
                    }

                    break;
                case BusEvent.NodeGone when e.Node != Node && _presence is not null:
                    _presence.NodeGone(e.Node);
                    break;
            }
        }
        catch (Exception ex)
        {
            // A failed read here (the database went away) is made good by the catch-up after reconnecting.
            _log.Warning(ex, "Cluster bus could not handle a notification");
        }
    }

    private void SessionsEnded(long userId, bool deactivated)
    {
        _dropCachedLookups();
        if (deactivated)
        {
            _sessions.UserDeactivated(userId);
            return;
        }

        var active = _database.Read(c => TokenStore.ActiveIds(c, userId));
        _sessions.TokensRevoked(userId, id => !active.Contains(id));
    }

    private bool AlreadyDelivered(long chatId, long id)
    {
        lock (_lock)
        {
            return _lastDelivered.TryGetValue(chatId, out var last) && last >= id;
        }
    }

    /// <summary>Announces the timeline entry unless this node already has (or a later one of its chat). Runs on the bus loop only.</summary>
    private void Deliver(TimelineEntry entry)
    {
        var chatId = entry.ChatId;
        var id = entry.Position;
        if (AlreadyDelivered(chatId, id))
        {
            return;
        }

        try
        {
            if (entry.Kind == TimelineKind.Message)
            {
                _events.MessagePublished(entry.Message);
            }
            else
            {
                _events.MessageChanged(entry);
            }
        }
        finally
        {
            lock (_lock)
            {
                _lastDelivered[chatId] = id;
            }

            if (_waiting.TryRemove(id, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
