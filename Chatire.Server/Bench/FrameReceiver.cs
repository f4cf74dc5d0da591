using System.Net.WebSockets;

namespace Chatire.Bench;

/// <summary>One receive loop per socket: reassembles text messages and hands each parsed frame on (several per message when batched).</summary>
public static class FrameReceiver
{
    /// <summary>Runs until the socket closes, fails or <paramref name="ct"/> fires; returns how it ended.</summary>
    public static async Task<string> RunAsync(WebSocket socket, Action<Frame> onFrame, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(count), ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return $"closed {(int?)socket.CloseStatus} {socket.CloseStatusDescription}".TrimEnd();
                }

                count += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                Frames.ParseEach(buffer.AsSpan(0, count), onFrame);
                count = 0;
            }
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
        catch (WebSocketException ex)
        {
            return "failed: " + ex.Message;
        }
        catch (ObjectDisposedException)
        {
            return "stopped";
        }
    }
}
