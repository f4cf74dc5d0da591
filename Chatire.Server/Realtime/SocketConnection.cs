using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Unicode;
using System.Threading.Channels;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Observability;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// One WebSocket: a bounded outbox drained by its single writer loop, and a reader loop that turns
/// client frames into posts. Publishers only <c>TryWrite</c> into the outbox; a full outbox closes the
/// socket with 1013, so a slow peer never slows anyone else. Closing is idempotent: the first close
/// status wins, the writer sends it, and the socket is aborted if the peer does not finish the
/// handshake within <see cref="CloseGrace"/>.
/// </summary>
public sealed class SocketConnection
{
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);
    private const int InitialReadBuffer = 512;

    private readonly Channel<OutboundFrame> _outbox;
    private readonly CancellationTokenSource _abort = new();
    private readonly ChatService _chats;
    private readonly Metrics _metrics;
    private readonly ILogger _log;
    private readonly int _maxFrameBytes;
    private WebSocket? _socket;
    private int _closeRequested;
    private WebSocketCloseStatus _closeStatus = CloseCodes.Normal;
    private string _closeReason = "";
    private long _sendStarted;

    public SocketConnection(Core.Chat chat, Principal? principal, string? token, ProtocolVersion version, long? since,
        int queueCapacity, int maxFrameBytes, ChatService chats, Metrics metrics, ILogger log)
    {
        Chat = chat;
        Principal = principal;
        Token = token;
        Version = version;
        Since = since;
        _maxFrameBytes = maxFrameBytes;
        _chats = chats;
        _metrics = metrics;
        _log = log;
        _outbox = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(Math.Max(1, queueCapacity))
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public Core.Chat Chat { get; }

    /// <summary>The caller; null for an anonymous (read-only) socket.</summary>
    public Principal? Principal { get; }

    public User? User => Principal?.User;

    /// <summary>The token the socket was opened with, re-checked every housekeeping tick.</summary>
    public string? Token { get; }

    public ProtocolVersion Version { get; }

    public long? Since { get; }

    /// <summary>Who was online when the socket subscribed (protocol v2's first frame).</summary>
    public IReadOnlyList<User> Presence { get; set; } = [];

    public bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>How long the current send has been stuck, or zero.</summary>
    public TimeSpan SendingFor
    {
        get
        {
            var started = Interlocked.Read(ref _sendStarted);
            return started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started);
        }
    }

    /// <summary>Queues a frame without waiting. A full outbox closes the socket with 1013.</summary>
    public bool Enqueue(OutboundFrame frame)
    {
        if (IsClosing)
        {
            return false;
        }

        if (_outbox.Writer.TryWrite(frame))
        {
            return true;
        }

        if (!IsClosing)
        {
            _metrics.SlowConsumerDropped();
            Close(CloseCodes.TryAgainLater, "Fell behind; reconnect with since.");
        }

        return false;
    }

    /// <summary>Asks the writer to close with <paramref name="status"/>; the first request wins.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeRequested, 1, 0) != 0)
        {
            return;
        }

        _closeStatus = status;
        _closeReason = TrimReason(reason);
        _outbox.Writer.TryComplete();
        try
        {
            _abort.CancelAfter(CloseGrace);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Drops the connection at once (dead or stuck peer).</summary>
    public void Abort()
    {
        Close(CloseCodes.GoingAway, "Peer not responding.");
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs the socket until it closes: the writer sends presence and the since replay, then the outbox.</summary>
    public async Task RunAsync(WebSocket socket)
    {
        _socket = socket;
        try
        {
            var writer = Task.Run(WriteLoopAsync);
            await ReadLoopAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        finally
        {
            _abort.Dispose();
            socket.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        var socket = _socket!;
        var token = _abort.Token;
        try
        {
            if (Version == ProtocolVersion.V2)
            {
                await SendAsync(socket, SocketProtocol.Presence(Presence), token).ConfigureAwait(false);
            }

            long replayedUpTo = 0;
            if (Since is { } since)
            {
                foreach (var message in _chats.Since(Chat, since))
                {
                    if (IsClosing)
                    {
                        break;
                    }

                    await SendAsync(socket, SocketProtocol.Message(message, Version), token).ConfigureAwait(false);
                    replayedUpTo = message.Message.Id;
                }
            }

            var reader = _outbox.Reader;
            while (!IsClosing && await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (!IsClosing && reader.TryRead(out var frame))
                {
                    if (frame.MessageId != 0 && frame.MessageId <= replayedUpTo)
                    {
                        continue;
                    }

                    await SendAsync(socket, frame.Bytes, token).ConfigureAwait(false);
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(_closeStatus, _closeReason, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Abort();
        }
        catch (Exception ex)
        {
            _log.Error(ex, "WebSocket writer failed for chat {Uri}", Chat.Uri);
            Abort();
        }
    }

    private async Task SendAsync(WebSocket socket, byte[] bytes, CancellationToken token)
    {
        Interlocked.Exchange(ref _sendStarted, Stopwatch.GetTimestamp());
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _sendStarted, 0);
        }
    }

    private async Task ReadLoopAsync()
    {
        var socket = _socket!;
        var token = _abort.Token;
        // Client frames are small: start with a small buffer and grow up to the frame limit, so an
        // idle socket does not hold --max-frame bytes of memory.
        var buffer = new byte[Math.Min(InitialReadBuffer, _maxFrameBytes + 1)];
        var length = 0;
        var discarding = false;
        try
        {
            while (true)
            {
                if (length == buffer.Length && buffer.Length <= _maxFrameBytes)
                {
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, _maxFrameBytes + 1));
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Close(CloseCodes.Normal, "");
                    return;
                }

                if (discarding || IsClosing)
                {
                    // Closing: read on until the peer answers the close, ignoring data.
                    length = 0;
                    discarding = !result.EndOfMessage;
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Close(CloseCodes.Binary, "Binary frames are not accepted.");
                    discarding = !result.EndOfMessage;
                    continue;
                }

                length += result.Count;
                if (length > _maxFrameBytes)
                {
                    Close(CloseCodes.TooBig, $"Frames are limited to {_maxFrameBytes} bytes.");
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
                await HandleTextAsync(buffer.AsMemory(0, size)).ConfigureAwait(false);
            }
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.Faulted && socket.CloseStatus == CloseCodes.InvalidData)
        {
            // The runtime refused invalid UTF-8 and already closed with 1007.
            Close(CloseCodes.InvalidData, "Invalid UTF-8.");
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Abort();
        }
        catch (Exception ex)
        {
            _log.Error(ex, "WebSocket reader failed for chat {Uri}", Chat.Uri);
            Abort();
        }
    }

    /// <summary>A close reason fits in 123 bytes of UTF-8.</summary>
    private static string TrimReason(string reason)
    {
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > 120)
        {
            reason = reason[..^1];
            if (reason.Length > 0 && char.IsHighSurrogate(reason[^1]))
            {
                reason = reason[..^1];
            }
        }

        return reason;
    }

    private async Task HandleTextAsync(ReadOnlyMemory<byte> utf8)
    {
        if (!Utf8.IsValid(utf8.Span))
        {
            Reject(CloseCodes.InvalidData, "Invalid UTF-8.");
            return;
        }

        InboundFrame? frame;
        string? error;
        string? clientId;
        try
        {
            (frame, error, clientId) = InboundFrame.Parse(utf8.Span);
        }
        catch (JsonException ex)
        {
            Reject(CloseCodes.InvalidData, "Invalid JSON: " + ex.Message);
            return;
        }

        if (frame is null)
        {
            Invalid(error!, clientId);
            return;
        }

        if (User is not { } user)
        {
            Invalid("Anonymous sockets cannot post; connect with a token.", clientId);
            return;
        }

        try
        {
            ChatService.Validate(frame.Message, frame.ClientId, new FieldErrors());
            var result = await _chats.PostAsync(Chat, user, frame.Message, frame.ClientId).ConfigureAwait(false);
            if (Version == ProtocolVersion.V2)
            {
                Enqueue(new OutboundFrame(0, SocketProtocol.Ack(frame.ClientId, result.Message.Message.Id)));
            }
        }
        catch (ValidationException ex)
        {
            Invalid(string.Join(" ", ex.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))), clientId);
        }
        catch (ApiException ex)
        {
            Invalid(ex.Detail, clientId);
        }
    }

    /// <summary>Invalid JSON or UTF-8: close 1007 in v1, an error frame in v2.</summary>
    private void Reject(WebSocketCloseStatus v1Status, string detail)
    {
        if (Version == ProtocolVersion.V2)
        {
            Enqueue(new OutboundFrame(0, SocketProtocol.Error(detail)));
        }
        else
        {
            Close(v1Status, detail);
        }
    }

    /// <summary>A well-formed but invalid frame: dropped in v1, an error frame in v2.</summary>
    private void Invalid(string detail, string? clientId)
    {
        if (Version == ProtocolVersion.V2)
        {
            Enqueue(new OutboundFrame(0, SocketProtocol.Error(detail, clientId)));
        }
    }
}
