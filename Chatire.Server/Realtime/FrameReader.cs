using System.Buffers;
using System.Net.WebSockets;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// A socket's receive side: reads whole text messages (up to the frame limit) and hands each to a
/// handler, one at a time. Between messages it waits with a zero-byte receive and holds no buffer; a
/// message is read into a pooled buffer (small at first, grown up to the limit) returned after it.
/// Binary frames close with 1003, oversized ones with 1009, the peer's close is answered; once the socket
/// is closing, data is read and ignored until the peer answers the close. Receives take no cancellation
/// token (an aborted socket fails them), so a waiting socket holds no token registration.
/// </summary>
public static class FrameReader
{
    private const int InitialBuffer = 512;

    public static async Task RunAsync(WebSocket socket, Outbox outbox, int maxFrameBytes, Func<ReadOnlyMemory<byte>, ValueTask> onText, ILogger log, string name)
    {
        byte[]? buffer = null;
        var length = 0;
        var discarding = false;
        var betweenMessages = true;
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                if (betweenMessages)
                {
                    Return(ref buffer);
                    result = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType != WebSocketMessageType.Close && !result.EndOfMessage)
                    {
                        betweenMessages = false; // a message has begun: read it with a buffer
                        continue;
                    }
                }
                else
                {
                    buffer ??= ArrayPool<byte>.Shared.Rent(Math.Min(InitialBuffer, maxFrameBytes + 1));
                    if (length == buffer.Length && buffer.Length <= maxFrameBytes)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxFrameBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        Return(ref buffer);
                        buffer = larger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                }

                betweenMessages = result.EndOfMessage;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    outbox.Close(CloseCodes.Normal, "");
                    return;
                }

                if (discarding || outbox.IsClosing)
                {
                    // Closing: read on until the peer answers the close, ignoring data.
                    length = 0;
                    discarding = !result.EndOfMessage;
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    outbox.Close(CloseCodes.Binary, "Binary frames are not accepted.");
                    discarding = !result.EndOfMessage;
                    continue;
                }

                length += result.Count;
                if (length > maxFrameBytes)
                {
                    outbox.Close(CloseCodes.TooBig, $"Frames are limited to {maxFrameBytes} bytes.");
                    length = 0;
                    discarding = !result.EndOfMessage;
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                var size = length;
                length = 0;
                await onText(buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, size)).ConfigureAwait(false);
            }
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.Faulted && socket.CloseStatus == CloseCodes.InvalidData)
        {
            // The runtime refused invalid UTF-8 and already closed with 1007.
            outbox.Close(CloseCodes.InvalidData, "Invalid UTF-8.");
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            outbox.Abort();
        }
        catch (Exception ex)
        {
            log.Error(ex, "WebSocket reader failed for {Socket}", name);
            outbox.Abort();
        }
        finally
        {
            Return(ref buffer);
        }
    }

    private static void Return(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }
}
