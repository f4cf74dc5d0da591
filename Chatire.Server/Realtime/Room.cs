using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Realtime;

/// <summary>
/// The sockets of one chat. The array is replaced under the lock on join and leave (copy-on-write), so
/// publishing reads it without locking. Also tracks who is online, for protocol v2's presence,
/// join and leave frames.
/// </summary>
public sealed class Room(long chatId)
{
    private readonly object _lock = new();
    private readonly Dictionary<long, (User User, int Sockets)> _online = [];
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
                    SendToV2(0, SocketProtocol.Join(user));
                }
            }

            socket.Presence = [.. _online.Values.Select(v => v.User)];
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
                    SendToV2(0, SocketProtocol.Leave(entry.User));
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
