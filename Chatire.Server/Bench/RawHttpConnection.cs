using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chatire.Bench;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends prepared requests and reads Content-Length answers,
/// for the http scenario's hot loop (as wrk does): an HttpClient request costs the generator several
/// times what the server spends on it, and the generator shares a machine with the server. Setup and
/// every other call still go through <see cref="BenchApi"/>.
/// </summary>
public sealed class RawHttpConnection(BenchTarget target) : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private Socket? _socket;
    private byte[] _buffer = new byte[16 * 1024];

    /// <summary>A request's bytes: method, path and headers, and a JSON body if given.</summary>
    public static byte[] Request(BenchTarget target, string method, string pathAndQuery, string? token, string? json = null)
    {
        var body = json is null ? [] : Encoding.UTF8.GetBytes(json);
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(target.BaseUrl.Authority).Append("\r\n");
        if (token is not null)
        {
            head.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        if (json is not null || method is "POST" or "PATCH" or "PUT")
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    /// <summary>Sends a request and reads the answer; returns the status and the body (valid until the next call).</summary>
    public async Task<(int Status, ReadOnlyMemory<byte> Body)> SendAsync(byte[] request, CancellationToken ct)
    {
        var socket = _socket ??= await ConnectAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false);
            var length = 0;
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (length == MaxHeaderBytes)
                {
                    throw new BenchException("The server's answer headers are too long.");
                }

                length += await ReceiveAsync(socket, length, ct).ConfigureAwait(false);
            }

            var (status, contentLength, close) = ParseHead(_buffer.AsSpan(0, headerEnd));
            var total = headerEnd + 4 + contentLength;
            if (_buffer.Length < total)
            {
                Array.Resize(ref _buffer, total);
            }

            while (length < total)
            {
                length += await ReceiveAsync(socket, length, ct).ConfigureAwait(false);
            }

            if (close)
            {
                Drop();
            }

            return (status, _buffer.AsMemory(headerEnd + 4, contentLength));
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            Drop();
            throw new BenchException($"The connection to {target.BaseUrl} failed: {ex.Message}");
        }
    }

    private async Task<int> ReceiveAsync(Socket socket, int offset, CancellationToken ct)
    {
        var read = await socket.ReceiveAsync(_buffer.AsMemory(offset), SocketFlags.None, ct).ConfigureAwait(false);
        return read > 0 ? read : throw new BenchException("The server closed the connection mid-answer.");
    }

    private static (int Status, int ContentLength, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new BenchException("The server's answer has no status line.");
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

        return (status, contentLength ?? throw new BenchException("The server's answer has no Content-Length."), close);
    }

    private async Task<Socket> ConnectAsync(CancellationToken ct)
    {
        var host = target.BaseUrl.Host;
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : host == "localhost" ? IPAddress.Loopback : (await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false))[0];
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, target.BaseUrl.Port), ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Drop()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Drop();
}
