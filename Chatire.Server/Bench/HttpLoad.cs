using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chatire.Bench;

/// <summary>
/// Keep-alive HTTP/1.1 load the way wrk makes it: a fixed set of connections driven by one thread that
/// waits for whichever answers first (epoll on Linux), reads it, and sends that connection's next
/// request. HttpClient (a thread-pool hop per answer) cost the generator more than the server spent on
/// the request, and the generator shares the machine with the server.
/// </summary>
public sealed class HttpLoad : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private readonly BenchTarget _target;
    private readonly Connection[] _connections;

    public HttpLoad(BenchTarget target, int connections)
    {
        if (target.BaseUrl.Scheme != "http")
        {
            throw new BenchException("The http scenario speaks plain HTTP/1.1 over keep-alive connections; point it at an http:// address.");
        }

        _target = target;
        _connections = [.. Enumerable.Range(0, connections).Select(i => new Connection(i))];
    }

    /// <summary>A request's bytes: method, path, headers and an optional JSON body.</summary>
    public static byte[] Request(BenchTarget target, string method, string pathAndQuery, string? token, ReadOnlySpan<byte> json = default)
    {
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(target.BaseUrl.Authority).Append("\r\n");
        if (token is not null)
        {
            head.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        if (method is "POST" or "PATCH" or "PUT")
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(json.Length).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. json];
    }

    /// <summary>
    /// Runs until <paramref name="stop"/>: <paramref name="next"/>(connection, sequence) makes a request,
    /// <paramref name="answered"/>(connection, status, body, stopwatch ticks) checks an answer and may
    /// throw <see cref="BenchException"/>, which <paramref name="failed"/> is told of. Returns when every
    /// connection has had its last answer.
    /// </summary>
    public void Run(Func<int, long, byte[]> next, Action<int, int, ReadOnlySpan<byte>, long> answered, Action<string> failed, CancellationToken stop)
    {
        using var epoll = Epoll.IsSupported ? Epoll.Create(_connections.Length) : null;
        foreach (var connection in _connections)
        {
            Open(connection, epoll);
            Send(connection, next(connection.Index, connection.Sequence++));
        }

        var active = _connections.Length;
        var ready = new int[_connections.Length];
        var sockets = new List<Socket>(_connections.Length);
        while (active > 0)
        {
            var count = Wait(epoll, ready, sockets);
            for (var r = 0; r < count; r++)
            {
                var connection = _connections[ready[r]];
                if (connection.Done)
                {
                    continue;
                }

                try
                {
                    if (!ReceiveAnswer(connection, out var status, out var body, out var close))
                    {
                        continue;
                    }

                    var elapsed = Stopwatch.GetTimestamp() - connection.Started;
                    try
                    {
                        answered(connection.Index, status, connection.Buffer.AsSpan(body), elapsed);
                    }
                    catch (BenchException ex)
                    {
                        failed(ex.Message);
                    }

                    connection.Consume(body.End.Value);
                    if (close)
                    {
                        connection.Socket?.Dispose();
                        Open(connection, epoll);
                    }
                }
                catch (Exception ex) when (ex is SocketException or BenchException)
                {
                    failed($"a connection to {_target.BaseUrl} failed: {ex.Message}");
                    connection.Socket?.Dispose();
                    Open(connection, epoll);
                }

                if (stop.IsCancellationRequested)
                {
                    connection.Done = true;
                    epoll?.Remove((int)connection.Socket!.Handle);
                    active--;
                }
                else
                {
                    Send(connection, next(connection.Index, connection.Sequence++));
                }
            }
        }
    }

    private int Wait(Epoll? epoll, int[] ready, List<Socket> sockets)
    {
        if (epoll is not null)
        {
            return epoll.Wait(ready, 50);
        }

        sockets.Clear();
        sockets.AddRange(_connections.Where(c => !c.Done).Select(c => c.Socket!));
        Socket.Select(sockets, null, null, 50_000);
        var count = 0;
        foreach (var socket in sockets)
        {
            ready[count++] = Array.FindIndex(_connections, c => c.Socket == socket);
        }

        return count;
    }

    /// <summary>Reads what arrived; true when a whole answer is in the buffer.</summary>
    private static bool ReceiveAnswer(Connection connection, out int status, out Range body, out bool close)
    {
        status = 0;
        body = default;
        close = false;
        if (connection.Length == connection.Buffer.Length)
        {
            Array.Resize(ref connection.Buffer, connection.Buffer.Length * 2);
        }

        var read = connection.Socket!.Receive(connection.Buffer, connection.Length, connection.Buffer.Length - connection.Length, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return false;
        }

        if (error != SocketError.Success || read == 0)
        {
            throw new BenchException(read == 0 ? "the server closed the connection" : error.ToString());
        }

        connection.Length += read;
        var span = connection.Buffer.AsSpan(0, connection.Length);
        var headerEnd = span.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return connection.Length > MaxHeaderBytes ? throw new BenchException("answer headers too long") : false;
        }

        (status, var contentLength, close) = ParseHead(span[..headerEnd]);
        var total = headerEnd + 4 + contentLength;
        if (connection.Length < total)
        {
            if (connection.Buffer.Length < total)
            {
                Array.Resize(ref connection.Buffer, total);
            }

            return false;
        }

        body = (headerEnd + 4)..total;
        return true;
    }

    private static (int Status, int ContentLength, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new BenchException("the answer has no status line");
        }

        int? contentLength = null;
        var close = false;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && Utf8Parser.TryParse(value, out int parsed, out _))
            {
                contentLength = parsed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                close = true;
            }
        }

        return (status, contentLength ?? throw new BenchException("the answer has no Content-Length"), close);
    }

    private void Open(Connection connection, Epoll? epoll)
    {
        var host = _target.BaseUrl.Host;
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : host == "localhost" ? IPAddress.Loopback : Dns.GetHostAddresses(host)[0];
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(address, _target.BaseUrl.Port));
        socket.Blocking = false;
        connection.Socket = socket;
        connection.Length = 0;
        epoll?.Add((int)socket.Handle, connection.Index);
    }

    private static void Send(Connection connection, byte[] request)
    {
        connection.Started = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < request.Length)
        {
            var n = connection.Socket!.Send(request, sent, request.Length - sent, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                connection.Socket.Poll(100_000, SelectMode.SelectWrite);
                continue;
            }

            if (error != SocketError.Success)
            {
                throw new BenchException($"sending a request failed: {error}");
            }

            sent += n;
        }
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Socket?.Dispose();
        }
    }

    private sealed class Connection(int index)
    {
        public int Index { get; } = index;
        public Socket? Socket;
        public byte[] Buffer = new byte[16 * 1024];
        public int Length;
        public long Started;
        public long Sequence;
        public bool Done;

        /// <summary>Drops an answer that was handled (keep-alive: nothing else should follow it).</summary>
        public void Consume(int end)
        {
            System.Buffer.BlockCopy(Buffer, end, Buffer, 0, Length - end);
            Length -= end;
        }
    }
}
