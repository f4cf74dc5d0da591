using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Chatire.Bench;

/// <summary>
/// Receive-only WebSocket clients served by one thread: a minimal handshake on a raw socket, then a
/// poll loop that reads whatever has arrived on each ready socket (often many frames per read) and
/// parses the frames in place. Much cheaper per delivery than one ClientWebSocket receive loop per
/// socket, so the generator's core can keep up with a server on the other core.
/// </summary>
public sealed class RawSubscribers : IDisposable
{
    private readonly List<Entry> _entries = [];
    private Thread? _thread;
    private volatile bool _stop;

    /// <summary>Connects and completes the handshake; frames go to <paramref name="onFrame"/> on the poll thread once started.</summary>
    public async Task<int> ConnectAsync(Uri uri, IPAddress? source, Action<Frame> onFrame, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 256 * 1024 };
        try
        {
            if (source is not null)
            {
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(0, 24, BitConverter.GetBytes(1)); // IP_BIND_ADDRESS_NO_PORT
                }

                socket.Bind(new IPEndPoint(source, 0));
            }

            var host = IPAddress.TryParse(uri.Host, out var address) ? address : IPAddress.Loopback;
            await socket.ConnectAsync(new IPEndPoint(host, uri.Port), ct).ConfigureAwait(false);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, ct).ConfigureAwait(false);

            var entry = new Entry(socket, onFrame);
            while (true)
            {
                var read = await socket.ReceiveAsync(entry.Buffer.AsMemory(entry.Length), SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new BenchException($"The server closed the connection during the WebSocket handshake ({uri.AbsolutePath}).");
                }

                entry.Length += read;
                var end = entry.Buffer.AsSpan(0, entry.Length).IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    if (entry.Length == entry.Buffer.Length)
                    {
                        throw new BenchException("The WebSocket handshake answer is too long.");
                    }

                    continue;
                }

                var head = Encoding.ASCII.GetString(entry.Buffer, 0, end);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new BenchException($"WebSocket upgrade refused: {head.Split('\r')[0]}");
                }

                var rest = entry.Length - (end + 4);
                Buffer.BlockCopy(entry.Buffer, end + 4, entry.Buffer, 0, rest);
                entry.Length = rest;
                break;
            }

            lock (_entries)
            {
                _entries.Add(entry);
                return _entries.Count - 1;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>How each socket ended: "stopped" while open, else why it closed.</summary>
    public IReadOnlyList<string> Endings => _entries.Select(e => e.Ending ?? "stopped").ToArray();

    public void Start()
    {
        _thread = new Thread(PollLoop) { IsBackground = true, Name = "bench-subscribers" };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    private void PollLoop()
    {
        var entries = _entries.ToArray();
        foreach (var entry in entries)
        {
            Drain(entry); // bytes that came with the handshake answer
        }

        if (Epoll.IsSupported)
        {
            EpollLoop(entries);
        }
        else
        {
            SelectLoop(entries);
        }
    }

    private void EpollLoop(Entry[] entries)
    {
        using var epoll = Epoll.Create(Math.Max(1, entries.Length));
        for (var i = 0; i < entries.Length; i++)
        {
            epoll.Add((int)entries[i].Socket.Handle, i);
        }

        var ready = new int[Math.Max(1, entries.Length)];
        var open = entries.Count(e => e.Ending is null);
        while (!_stop && open > 0)
        {
            var count = epoll.Wait(ready, 50);
            for (var i = 0; i < count; i++)
            {
                var entry = entries[ready[i]];
                if (entry.Ending is null && !ReceiveInto(entry))
                {
                    epoll.Remove((int)entry.Socket.Handle);
                    open--;
                }
            }
        }
    }

    private void SelectLoop(Entry[] entries)
    {
        var bySocket = entries.ToDictionary(e => e.Socket);
        var ready = new List<Socket>(entries.Length);
        while (!_stop)
        {
            ready.Clear();
            foreach (var entry in entries)
            {
                if (entry.Ending is null)
                {
                    ready.Add(entry.Socket);
                }
            }

            if (ready.Count == 0)
            {
                return;
            }

            Socket.Select(ready, null, null, 50_000);
            foreach (var socket in ready)
            {
                ReceiveInto(bySocket[socket]);
            }
        }
    }

    /// <summary>Reads what a ready socket has and handles the whole frames; false when it ended.</summary>
    private static bool ReceiveInto(Entry entry)
    {
        int read;
        try
        {
            if (entry.Length == entry.Buffer.Length)
            {
                Array.Resize(ref entry.Buffer, entry.Buffer.Length * 2);
            }

            read = entry.Socket.Receive(entry.Buffer, entry.Length, entry.Buffer.Length - entry.Length, SocketFlags.None);
        }
        catch (SocketException ex)
        {
            entry.Ending = "failed: " + ex.SocketErrorCode;
            return false;
        }

        if (read == 0)
        {
            entry.Ending = "closed by the server (connection ended)";
            return false;
        }

        entry.Length += read;
        Drain(entry);
        return entry.Ending is null;
    }

    private static void Drain(Entry entry)
    {
        var buffer = entry.Buffer;
        var offset = 0;
        while (entry.Length - offset >= 2)
        {
            var opcode = buffer[offset] & 0x0F;
            var length = (long)(buffer[offset + 1] & 0x7F);
            var header = 2;
            if (length == 126)
            {
                if (entry.Length - offset < 4)
                {
                    break;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset + 2));
                header = 4;
            }
            else if (length == 127)
            {
                if (entry.Length - offset < 10)
                {
                    break;
                }

                length = (long)BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(offset + 2));
                header = 10;
            }

            if (entry.Length - offset < header + length)
            {
                if (header + length > buffer.Length)
                {
                    Array.Resize(ref entry.Buffer, (int)(header + length) * 2);
                }

                break;
            }

            var payload = buffer.AsSpan(offset + header, (int)length);
            switch (opcode)
            {
                case 0x1:
                case 0x0:
                    Frames.ParseEach(payload, entry.OnFrame);
                    break;
                case 0x8:
                    entry.Ending = payload.Length >= 2 ? $"closed {BinaryPrimitives.ReadUInt16BigEndian(payload)}" : "closed";
                    break;
                case 0x9:
                    Pong(entry.Socket, payload);
                    break;
            }

            offset += header + (int)length;
        }

        if (offset > 0)
        {
            Buffer.BlockCopy(entry.Buffer, offset, entry.Buffer, 0, entry.Length - offset);
            entry.Length -= offset;
        }
    }

    /// <summary>A client frame must be masked; the payload of a ping is at most 125 bytes.</summary>
    private static void Pong(Socket socket, ReadOnlySpan<byte> payload)
    {
        Span<byte> frame = stackalloc byte[6 + 125];
        frame[0] = 0x8A;
        frame[1] = (byte)(0x80 | payload.Length);
        frame[2..6].Clear(); // zero mask: the payload goes as it is
        payload.CopyTo(frame[6..]);
        try
        {
            socket.Send(frame[..(6 + payload.Length)]);
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose()
    {
        Stop();
        foreach (var entry in _entries)
        {
            entry.Socket.Dispose();
        }
    }

    private sealed class Entry(Socket socket, Action<Frame> onFrame)
    {
        public Socket Socket { get; } = socket;
        public Action<Frame> OnFrame { get; } = onFrame;
        public byte[] Buffer = new byte[64 * 1024];
        public int Length;
        public string? Ending;
    }
}
