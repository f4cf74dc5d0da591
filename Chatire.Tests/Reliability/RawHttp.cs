using System.Net.Sockets;
using System.Text;

namespace Chatire.Tests.Reliability;

/// <summary>Sends raw bytes over TCP and reads one HTTP response (or notices the connection closing).</summary>
public static class RawHttp
{
    public sealed record Answer(int Status, string Head, string Body, bool Closed)
    {
        public bool FromPipeline => Head.Contains("X-Request-Id:", StringComparison.OrdinalIgnoreCase);

        public bool IsJson => Head.Contains("Content-Type: application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<Answer> SendAsync(int port, byte[] request, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(timeout);
        await client.ConnectAsync("127.0.0.1", port, cts.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, cts.Token);
        }
        catch (IOException)
        {
            // The server may refuse before everything was sent.
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(chunk, cts.Token);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
                if (IsComplete(buffer))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        var text = Encoding.Latin1.GetString(buffer.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0 || !text.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return new Answer(0, text, "", true);
        }

        var status = int.Parse(text.AsSpan(9, 3));
        return new Answer(status, text[..headEnd], text[(headEnd + 4)..], false);
    }

    private static bool IsComplete(MemoryStream buffer)
    {
        var text = Encoding.Latin1.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var lengthAt = text.IndexOf("Content-Length:", 0, headEnd, StringComparison.OrdinalIgnoreCase);
        if (lengthAt < 0)
        {
            return true;
        }

        var lineEnd = text.IndexOf("\r\n", lengthAt, StringComparison.Ordinal);
        var length = int.Parse(text.AsSpan(lengthAt + 15, lineEnd - lengthAt - 15).Trim());
        return buffer.Length >= headEnd + 4 + length;
    }
}
