using Chatire.Chat;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Realtime;

/// <summary>
/// The sockets of one chat. The array is replaced under the lock on join and leave (copy-on-write), so
/// publishing reads it without locking. Also tracks who is online, for protocol v2's presence,
/// join and leave frames. In a cluster, a user is online while they have a socket here or on another
/// node: join and leave frames mark the first and the last of those, whichever node holds them.
/// </summary>
public sealed class Room(long chatId, IClusterPresence? cluster = null)
{
    private readonly object _lock = new();
    private readonly Dictionary<long, (User User, int Sockets)> _online = [];
    private readonly Dictionary<long, (User User, HashSet<string> Nodes)> _remote = [];
    private SocketConnection[] _sockets = [];
    private bool _retired;

    public long ChatId { get; } = chatId;

    public int Count => Volatile.Read(ref _sockets).Length;

    /// <summary>Adds a socket; false when the room was just retired (take a fresh one).</summary>
    public bool TryAdd(SocketConnection socket)
    {
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            if (socket.User is { } user)
            {
                if (_online.TryGetValue(user.Id, out var entry))
                {
                    _online[user.Id] = (entry.User, entry.Sockets + 1);
                }
                else
                {
                    _online[user.Id] = (user, 1);
                    cluster?.Joined(ChatId, user);
                    if (!_remote.ContainsKey(user.Id))
                    {
                        SendToV2(0, SocketProtocol.Join(user));
                    }
                }
            }

            socket.Presence = [.. _online.Values.Select(v => v.User), .. _remote.Where(r => !_online.ContainsKey(r.Key)).Select(r => r.Value.User)];
            Volatile.Write(ref _sockets, [.. _sockets, socket]);
            return true;
        }
    }

    /// <summary>Removes a socket; returns true when the room became empty and was retired.</summary>
    public bool Remove(SocketConnection socket)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_sockets, socket);
            if (index < 0)
            {
                return false;
            }

            Volatile.Write(ref _sockets, [.. _sockets[..index], .. _sockets[(index + 1)..]]);
            if (socket.User is { } user && _online.TryGetValue(user.Id, out var entry))
            {
                if (entry.Sockets > 1)
                {
                    _online[user.Id] = (entry.User, entry.Sockets - 1);
                }
                else
                {
                    _online.Remove(user.Id);
                    cluster?.Left(ChatId, user.Id);
                    if (!_remote.ContainsKey(user.Id))
                    {
                        SendToV2(0, SocketProtocol.Leave(entry.User));
                    }
                }
            }

            if (_sockets.Length == 0)
            {
                _retired = true;
                return true;
            }

            return false;
        }
    }

    /// <summary>The user is online in this chat on <paramref name="node"/>.</summary>
    public void RemoteJoined(string node, User user)
    {
        lock (_lock)
        {
            if (_remote.TryGetValue(user.Id, out var entry))
            {
                entry.Nodes.Add(node);
                return;
            }

            _remote[user.Id] = (user, [node]);
            if (!_online.ContainsKey(user.Id))
            {
                SendToV2(0, SocketProtocol.Join(user));
            }
        }
    }

    /// <summary>The user has no socket in this chat on <paramref name="node"/> any more (null: on any node that is gone).</summary>
    public void RemoteLeft(string node, long userId)
    {
        lock (_lock)
        {
            if (!_remote.TryGetValue(userId, out var entry) || !entry.Nodes.Remove(node) || entry.Nodes.Count > 0)
            {
                return;
            }

            _remote.Remove(userId);
            if (!_online.ContainsKey(userId))
            {
                SendToV2(0, SocketProtocol.Leave(entry.User));
            }
        }
    }

    /// <summary>Every user of <paramref name="node"/> leaves.</summary>
    public void NodeGone(string node)
    {
        long[] users;
        lock (_lock)
        {
            users = [.. _remote.Where(r => r.Value.Nodes.Contains(node)).Select(r => r.Key)];
        }

        foreach (var user in users)
        {
            RemoteLeft(node, user);
        }
    }

    /// <summary>Serializes the message once per protocol version and queues it to every socket; returns frames queued.</summary>
    public int Publish(AuthoredMessage message)
    {
        var sockets = Volatile.Read(ref _sockets);
        if (sockets.Length == 0)
        {
            return 0;
        }

        byte[]? v1 = null;
        byte[]? v2 = null;
        var id = message.Message.Id;
        var queued = 0;
        foreach (var socket in sockets)
        {
            var bytes = socket.Version == ProtocolVersion.V2
                ? v2 ??= SocketProtocol.MessageV2(message)
                : v1 ??= SocketProtocol.MessageV1(message);
            if (socket.Enqueue(new OutboundFrame(id, bytes)))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>Whether any socket here speaks v2 (otherwise frames only v2 reads need not be built).</summary>
    public bool HasV2 => Volatile.Read(ref _sockets).Any(s => s.Version == ProtocolVersion.V2);

    /// <summary>Queues one frame (serialized once by the caller) to every v2 socket, except those of <paramref name="exceptUser"/>.</summary>
    public void SendToV2(long position, byte[] frame, long exceptUser = 0)
    {
        foreach (var socket in Volatile.Read(ref _sockets))
        {
            if (socket.Version == ProtocolVersion.V2 && (exceptUser == 0 || socket.User?.Id != exceptUser))
            {
                socket.Enqueue(new OutboundFrame(position, frame));
            }
        }
    }

    public void CloseAll(System.Net.WebSockets.WebSocketCloseStatus status, string reason)
    {
        foreach (var socket in Volatile.Read(ref _sockets))
        {
            socket.Close(status, reason);
        }
    }

    public void CloseUser(long userId, System.Net.WebSockets.WebSocketCloseStatus status, string reason)
    {
        foreach (var socket in Volatile.Read(ref _sockets))
        {
            if (socket.User?.Id == userId)
            {
                socket.Close(status, reason);
            }
        }
    }
}
