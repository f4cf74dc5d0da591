using System.Net.Sockets;
using System.Text;

namespace Chatire.Tests.Realtime;

/// <summary>A bare WebSocket client over a TCP socket with a tiny receive buffer, for a peer that stops
/// reading: the server's sends back up after a few frames instead of after megabytes.</summary>
public sealed class RawWebSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawWebSocket(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public static async Task<RawWebSocket> ConnectAsync(int port, string pathAndQuery)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048 };
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var raw = new RawWebSocket(socket);
        var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await raw._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var b = raw._stream.ReadByte();
            if (b < 0)
            {
                throw new IOException("Connection closed during the handshake.");
            }

            head.Append((char)b);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException("Upgrade refused: " + head);
        }

        return raw;
    }

    /// <summary>Reads frames until a close frame; returns its status code and how many data frames came before it.</summary>
    public async Task<(int? Status, int DataFrames)> ReadUntilCloseAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var frames = 0;
        try
        {
            while (true)
            {
                var (opcode, payload) = await ReadFrameAsync(deadline - DateTime.UtcNow);
                if (opcode == 8)
                {
                    return (payload.Length >= 2 ? (payload[0] << 8) | payload[1] : null, frames);
                }

                if (opcode is 1 or 2)
                {
                    frames++;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ArgumentOutOfRangeException)
        {
            return (-1, frames);
        }
    }

    /// <summary>Sends one masked client frame (opcode 1 text, 0 continuation, 9 ping, 8 close).</summary>
    public async Task SendFrameAsync(int opcode, byte[] payload, bool fin = true)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        var mask = new byte[4];
        Random.Shared.NextBytes(mask);
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
        await _stream.WriteAsync(frame.ToArray());
    }

    /// <summary>Reads the next frame: opcode and payload.</summary>
    public async Task<(int Opcode, byte[] Payload)> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var header = await ReadExactlyAsync(2, cts.Token);
        long length = header[1] & 0x7F;
        if (length == 126)
        {
            var ext = await ReadExactlyAsync(2, cts.Token);
            length = (ext[0] << 8) | ext[1];
        }
        else if (length == 127)
        {
            var ext = await ReadExactlyAsync(8, cts.Token);
            length = 0;
            foreach (var b in ext)
            {
                length = (length << 8) | b;
            }
        }

        return (header[0] & 0x0F, await ReadExactlyAsync((int)length, cts.Token));
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken token)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, token);
        return buffer;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
