using System.Collections.Concurrent;
using Chatire.Auth;
using Chatire.Chat;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Observability;
using Chatire.Storage;

namespace Chatire.Realtime;

/// <summary>
/// Every open socket: rooms by chat (for delivery), the user streams, an index by user (for revocation
/// and the per-user limit), and the server-wide limit. Hears about the chats' changes from the chat
/// domain and about ended sessions from auth, and delivers or closes what they affect.
/// </summary>
public sealed class Hub(ChatireSettings settings, TokenService tokens, UserStore users, ChatService chats, Metrics metrics, IClusterPresence? cluster = null)
    : IChatEvents, ISessionEvents, IPresenceListener
{
    /// <summary>How long a shutdown waits for peers to answer the 1001 close before dropping them.</summary>
    public static readonly TimeSpan ShutdownHandshake = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<long, Room> _rooms = new();
    private readonly object _lock = new();
    private readonly HashSet<RealtimeSocket> _all = [];
    private readonly Dictionary<long, List<RealtimeSocket>> _byUser = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopping;

    /// <summary>The user streams of this node.</summary>
    public UserStreams Streams { get; } = new(chats);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>The chats that have sockets on this node.</summary>
    public IEnumerable<long> ChatIds => _rooms.Keys;

    /// <summary>Admits a socket (limits checked) and subscribes a chat socket to its chat's room.</summary>
    /// <exception cref="ApiException">503 when the server is full or stopping, 429 when the user holds too many sockets.</exception>
    public void Register(RealtimeSocket socket)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                throw new ApiException(503, "The server is shutting down.");
            }

            if (_all.Count >= settings.MaxConnections)
            {
                throw new ApiException(503, $"The server has reached its limit of {settings.MaxConnections} open WebSockets; try again later.");
            }

            if (socket.User is { } user)
            {
                if (!_byUser.TryGetValue(user.Id, out var mine))
                {
                    _byUser[user.Id] = mine = [];
                }

                if (mine.Count >= settings.MaxSocketsPerUser)
                {
                    throw new ApiException(429, $"You already have {settings.MaxSocketsPerUser} WebSockets open, the most allowed; close one first.") { RetryAfterSeconds = 1 };
                }

                mine.Add(socket);
            }

            _all.Add(socket);
        }

        if (socket is not SocketConnection chatSocket)
        {
            return;
        }

        while (true)
        {
            if (!_rooms.TryGetValue(chatSocket.Chat.Id, out var room))
            {
                room = _rooms.GetOrAdd(chatSocket.Chat.Id, NewRoom(chatSocket.Chat.Id));
            }

            if (room.TryAdd(chatSocket))
            {
                return;
            }

            // The room was retired by its last socket leaving just now; a fresh one replaces it.
            _rooms.TryRemove(new KeyValuePair<long, Room>(chatSocket.Chat.Id, room));
        }
    }

    /// <summary>A room for a chat that had no sockets here: in a cluster it starts with who is online elsewhere.</summary>
    private Room NewRoom(long chatId)
    {
        var room = new Room(chatId, cluster);
        if (cluster is not null)
        {
            try
            {
                foreach (var (node, user) in cluster.Elsewhere(chatId))
                {
                    room.RemoteJoined(node, user);
                }
            }
            catch (DatabaseUnavailableException)
            {
                // The other nodes' joins still arrive as they happen; the room starts with this node's users.
            }
        }

        return room;
    }

    public void RemoteJoined(string node, long chatId, User user)
    {
        if (_rooms.TryGetValue(chatId, out var room))
        {
            room.RemoteJoined(node, user);
        }
    }

    public void RemoteLeft(string node, long chatId, long userId)
    {
        if (_rooms.TryGetValue(chatId, out var room))
        {
            room.RemoteLeft(node, userId);
        }
    }

    public void NodeGone(string node)
    {
        foreach (var room in _rooms.Values)
        {
            room.NodeGone(node);
        }
    }

    /// <summary>Unsubscribes a socket and forgets it.</summary>
    public void Unregister(RealtimeSocket socket)
    {
        if (socket is SocketConnection chatSocket && _rooms.TryGetValue(chatSocket.Chat.Id, out var room) && room.Remove(chatSocket))
        {
            _rooms.TryRemove(new KeyValuePair<long, Room>(chatSocket.Chat.Id, room));
        }

        lock (_lock)
        {
            _all.Remove(socket);
            if (socket.User is { } user && _byUser.TryGetValue(user.Id, out var mine))
            {
                mine.Remove(socket);
                if (mine.Count == 0)
                {
                    _byUser.Remove(user.Id);
                }
            }

            if (_stopping && _all.Count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Called by the chat domain in timeline order per chat.</summary>
    public void MessagePublished(AuthoredMessage message)
    {
        if (_rooms.TryGetValue(message.Message.ChatId, out var room))
        {
            var queued = room.Publish(message);
            if (queued > 0)
            {
                metrics.Delivered(queued);
            }
        }

        Streams.MessagePublished(message);
    }

    /// <summary>Edits and deletes: v2 chat sockets only, in timeline order.</summary>
    public void MessageChanged(TimelineEntry change)
    {
        if (_rooms.TryGetValue(change.ChatId, out var room))
        {
            room.SendToV2(change.Position, SocketProtocol.Timeline(change));
        }

        Streams.MessageChanged(change);
    }

    /// <summary>A rename or member change reaches the chat's v2 sockets as a chat frame; a member who left
    /// or was removed loses their sockets of the chat (4403), and so does everyone when it is deleted.</summary>
    public void ChatChanged(ChatChange change)
    {
        if (_rooms.TryGetValue(change.Chat.Id, out var room))
        {
            switch (change.Kind)
            {
                case ChatChangeKind.Deleted:
                    room.CloseAll(CloseCodes.NotAllowed, "The chat was deleted.");
                    break;
                case ChatChangeKind.MemberRemoved:
                    room.CloseUser(change.Member!.Id, CloseCodes.NotAllowed, "You are no longer a member of this chat.");
                    SendChat(room, change.Chat.Id);
                    break;
                case ChatChangeKind.Renamed or ChatChangeKind.MemberAdded:
                    SendChat(room, change.Chat.Id);
                    break;
            }
        }

        Streams.ChatChanged(change);
    }

    public void ReadMoved(ReadMarker marker)
    {
        if (_rooms.TryGetValue(marker.ChatId, out var room))
        {
            room.SendToV2(0, SocketProtocol.Read(marker.User, marker.UpTo));
        }

        Streams.ReadMoved(marker);
    }

    public void Typing(long chatId, User user)
    {
        if (_rooms.TryGetValue(chatId, out var room))
        {
            room.SendToV2(0, SocketProtocol.Typing(user), exceptUser: user.Id);
        }
    }

    private void SendChat(Room room, long chatId)
    {
        if (room.HasV2 && chats.Shared(chatId) is { } view)
        {
            room.SendToV2(0, SocketProtocol.Chat(view));
        }
    }

    public void TokensRevoked(long userId, Func<long, bool> isRevoked)
    {
        var affected = SocketsOf(userId).Where(s => s.Principal is { } p && isRevoked(p.Token.Id)).ToList();
        if (affected.Count == 0)
        {
            return;
        }

        // Deactivation revokes every token first: those sockets get 4403, not 4401.
        var active = users.FindById(userId)?.IsActive ?? false;
        foreach (var socket in affected)
        {
            CloseFor(socket, active);
        }
    }

    public void UserDeactivated(long userId)
    {
        foreach (var socket in SocketsOf(userId))
        {
            CloseFor(socket, active: false);
        }
    }

    private static void CloseFor(RealtimeSocket socket, bool active)
    {
        if (active)
        {
            socket.Close(CloseCodes.TokenRevoked, "Token expired or revoked.");
        }
        else
        {
            socket.Close(CloseCodes.NotAllowed, "Account deactivated.");
        }
    }

    /// <summary>The housekeeping tick: re-checks every socket's token (expiry, revocation by another
    /// process, deactivation) and drops peers whose current send has been stuck past two ping intervals.</summary>
    public Task CheckSocketsAsync()
    {
        RealtimeSocket[] sockets;
        lock (_lock)
        {
            sockets = [.. _all];
        }

        var verdicts = new Dictionary<string, bool?>(StringComparer.Ordinal);
        var stuckAfter = settings.PingInterval * 2;
        foreach (var socket in sockets)
        {
            if (socket.IsClosing)
            {
                continue;
            }

            if (stuckAfter > TimeSpan.Zero && socket.SendingFor > stuckAfter)
            {
                socket.Abort();
                continue;
            }

            if (socket.Token is not { } token)
            {
                continue;
            }

            if (!verdicts.TryGetValue(token, out var valid))
            {
                verdicts[token] = valid = Check(token);
            }

            switch (valid)
            {
                case null:
                    CloseFor(socket, active: false);
                    break;
                case false:
                    CloseFor(socket, active: true);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>true: valid; false: expired or revoked; null: the user is inactive.</summary>
    private bool? Check(string token)
    {
        try
        {
            tokens.Authenticate(token);
            return true;
        }
        catch (DatabaseUnavailableException)
        {
            // Unknown for now: sockets stay open while the database is away, and are checked again next tick.
            return true;
        }
        catch (ApiException ex)
        {
            return ex.Detail == "User is inactive" ? null : false;
        }
    }

    /// <summary>Closes every socket with 1001 and waits (up to <paramref name="timeout"/>) for them to finish.</summary>
    public async Task CloseAllAsync(TimeSpan timeout)
    {
        RealtimeSocket[] sockets;
        lock (_lock)
        {
            _stopping = true;
            sockets = [.. _all];
            if (sockets.Length == 0)
            {
                _drained.TrySetResult();
            }
        }

        foreach (var socket in sockets)
        {
            socket.Close(CloseCodes.GoingAway, "Server shutting down.");
        }

        // Peers get a moment to answer the close; the rest are dropped so shutdown does not wait on them.
        var handshake = timeout < ShutdownHandshake ? timeout : ShutdownHandshake;
        if (await Task.WhenAny(_drained.Task, Task.Delay(handshake)).ConfigureAwait(false) != _drained.Task)
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
            }

            await Task.WhenAny(_drained.Task, Task.Delay(timeout - handshake)).ConfigureAwait(false);
        }
    }

    private List<RealtimeSocket> SocketsOf(long userId)
    {
        lock (_lock)
        {
            return _byUser.TryGetValue(userId, out var mine) ? [.. mine] : [];
        }
    }
}
