using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Unicode;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Observability;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// One WebSocket: a bounded outbox with a single writer, and a reader loop that turns client frames
/// into posts. There is no writer task per socket: whoever queues a frame into an idle outbox becomes
/// its writer and sends inline until the outbox is empty or a send has to wait; the send's
/// continuation then carries on (see <see cref="PumpAsync"/>). So a broadcast costs one send call per
/// socket and no thread wake-ups while the peers keep up. A full outbox closes the socket with 1013, so
/// a slow peer never slows anyone else. Closing is idempotent: the first close status wins, the writer
/// sends it, and the socket is aborted if the peer does not finish the handshake within
/// <see cref="CloseGrace"/>.
/// </summary>
public sealed class SocketConnection
{
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);
    private const int InitialReadBuffer = 512;

    /// <summary>Posts of one socket waiting for their commit before the reader stops reading.</summary>
    public const int MaxPostsInFlight = 32;

    private readonly Queue<OutboundFrame> _outbox = new();
    private readonly int _outboxCapacity;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    private bool _writing; // a writer owns the send side (guarded by _outbox)
    private bool _opened; // presence and replay are sent; queued frames may follow (guarded by _outbox)
    private long _replayedUpTo;
    private SemaphoreSlim? _postSlots; // made on the first post: most sockets only listen
    private Task _answered = Task.CompletedTask; // the answer to the newest frame; later answers wait for it

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
        _outboxCapacity = Math.Max(1, queueCapacity);
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

    /// <summary>Queues a frame without waiting; when the outbox was idle, sends it (and whatever follows)
    /// on the calling thread until a send has to wait. A full outbox closes the socket with 1013.</summary>
    public bool Enqueue(OutboundFrame frame)
    {
        lock (_outbox)
        {
            if (IsClosing)
            {
                return false;
            }

            if (_outbox.Count < _outboxCapacity)
            {
                _outbox.Enqueue(frame);
                if (_writing || !_opened)
                {
                    return true;
                }

                _writing = true;
            }
            else
            {
                frame = default;
            }
        }

        if (frame.Bytes is null)
        {
            _metrics.SlowConsumerDropped();
            Close(CloseCodes.TryAgainLater, "Fell behind; reconnect with since.");
            return false;
        }

        _ = PumpAsync();
        return true;
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
        StartWriter();
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

    /// <summary>Runs the socket until it closes: presence and the since replay go first, then the outbox.</summary>
    public async Task RunAsync(WebSocket socket)
    {
        _socket = socket;
        using var aborting = _abort.Token.Register(static s => ((WebSocket)s!).Abort(), socket);
        try
        {
            var opening = Task.Run(OpenAsync);
            await ReadLoopAsync().ConfigureAwait(false);
            await opening.ConfigureAwait(false);
            await _writerDone.Task.ConfigureAwait(false);
        }
        finally
        {
            _abort.Dispose();
            socket.Dispose();
        }
    }

    /// <summary>Sends presence (v2) and the since replay, then lets the outbox flow.</summary>
    private async Task OpenAsync()
    {
        var socket = _socket!;
        var token = _abort.Token;
        try
        {
            if (Version == ProtocolVersion.V2)
            {
                var presence = SocketProtocol.Presence(Presence);
                Presence = [];
                await SendAsync(socket, presence, token).ConfigureAwait(false);
            }

            if (Since is { } since)
            {
                foreach (var message in _chats.Since(Chat, since))
                {
                    if (IsClosing)
                    {
                        break;
                    }

                    await SendAsync(socket, SocketProtocol.Message(message, Version), token).ConfigureAwait(false);
                    _replayedUpTo = message.Message.Id;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }

        lock (_outbox)
        {
            _opened = true;
        }

        StartWriter();
    }

    /// <summary>Becomes the writer if the outbox is open, idle and has work (a frame or a close to send).</summary>
    private void StartWriter()
    {
        lock (_outbox)
        {
            if (!_opened || _writing || (_outbox.Count == 0 && !IsClosing))
            {
                return;
            }

            _writing = true;
        }

        _ = PumpAsync();
    }

    /// <summary>
    /// The writer: sends queued frames until the outbox is empty (then gives up the role) or the socket
    /// is closing (then sends the close frame and keeps the role for good). Runs inline on the thread that
    /// started it while sends complete at once; a send that waits resumes it on the thread pool.
    /// </summary>
    private async Task PumpAsync()
    {
        var socket = _socket!;
        var token = _abort.Token;
        try
        {
            while (true)
            {
                OutboundFrame frame;
                lock (_outbox)
                {
                    if (IsClosing)
                    {
                        break;
                    }

                    if (!_outbox.TryDequeue(out frame))
                    {
                        _writing = false;
                        return;
                    }
                }

                if (frame.MessageId != 0 && frame.MessageId <= _replayedUpTo)
                {
                    continue;
                }

                // No cancellation token: the runtime's fast send path takes none. Abort() aborts the socket,
                // which fails a waiting send just the same.
                var send = socket.SendAsync(new ReadOnlyMemory<byte>(frame.Bytes), WebSocketMessageType.Text, true, CancellationToken.None);
                if (!send.IsCompleted)
                {
                    await Waiting(send).ConfigureAwait(false);
                }
                else
                {
                    send.GetAwaiter().GetResult();
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(_closeStatus, _closeReason, token).ConfigureAwait(false);
            }

            _writerDone.TrySetResult();
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>A send that could not complete at once; its start is recorded so a stuck peer can be found.</summary>
    private async Task Waiting(ValueTask send)
    {
        Interlocked.Exchange(ref _sendStarted, Stopwatch.GetTimestamp());
        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _sendStarted, 0);
        }
    }

    private void Fail(Exception ex)
    {
        if (ex is not (WebSocketException or OperationCanceledException or ObjectDisposedException or IOException))
        {
            _log.Error(ex, "WebSocket writer failed for chat {Uri}", Chat.Uri);
        }

        Abort();
        _writerDone.TrySetResult();
    }

    private Task SendAsync(WebSocket socket, byte[] bytes, CancellationToken token) =>
        Waiting(socket.SendAsync(new ReadOnlyMemory<byte>(bytes), WebSocketMessageType.Text, true, token));

    private async Task ReadLoopAsync()
    {
        var socket = _socket!;
        var token = _abort.Token;
        // Between messages the socket waits with a zero-byte receive and holds no buffer; a message is
        // read into a pooled buffer (small at first, grown up to the frame limit) returned after it.
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
                    ReturnBuffer(ref buffer);
                    result = await socket.ReceiveAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
                    if (result.MessageType != WebSocketMessageType.Close && !result.EndOfMessage)
                    {
                        betweenMessages = false; // a message has begun: read it with a buffer
                        continue;
                    }
                }
                else
                {
                    buffer ??= ArrayPool<byte>.Shared.Rent(Math.Min(InitialReadBuffer, _maxFrameBytes + 1));
                    if (length == buffer.Length && buffer.Length <= _maxFrameBytes)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxFrameBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ReturnBuffer(ref buffer);
                        buffer = larger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                }

                betweenMessages = result.EndOfMessage;
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
                await HandleTextAsync(buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, size)).ConfigureAwait(false);
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
        finally
        {
            ReturnBuffer(ref buffer);
        }
    }

    private static void ReturnBuffer(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
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

    /// <summary>
    /// Parses and checks a client frame and starts its post without waiting for the commit, so a busy
    /// publisher has several messages in one group commit. At most <see cref="MaxPostsInFlight"/> posts
    /// of a socket are pending; after that the reader waits (and TCP pushes back on the client).
    /// Answers (acks and error frames) still go out in the order the frames came.
    /// </summary>
    private async ValueTask HandleTextAsync(ReadOnlyMemory<byte> utf8)
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
        }
        catch (ValidationException ex)
        {
            Invalid(Describe(ex), clientId);
            return;
        }

        _postSlots ??= new SemaphoreSlim(MaxPostsInFlight);
        await _postSlots.WaitAsync().ConfigureAwait(false);
        // PostAsync runs synchronously up to the queued write, so posts reach the writer in frame order.
        var post = _chats.PostAsync(Chat, user, frame.Message, frame.ClientId);
        _answered = AnswerAsync(post, frame.ClientId, _answered);
    }

    /// <summary>Waits for a post and the answer before it, then acks (v2) or reports the error.</summary>
    private async Task AnswerAsync(Task<PostResult> post, string? clientId, Task previous)
    {
        string? error = null;
        long id = 0;
        try
        {
            id = (await post.ConfigureAwait(false)).Message.Message.Id;
        }
        catch (ValidationException ex)
        {
            error = Describe(ex);
        }
        catch (ApiException ex)
        {
            error = ex.Detail;
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Posting from a WebSocket failed for chat {Uri}", Chat.Uri);
            error = "A server error occurred.";
        }
        finally
        {
            _postSlots!.Release();
        }

        await previous.ConfigureAwait(false);
        if (error is not null)
        {
            Invalid(error, clientId);
        }
        else if (Version == ProtocolVersion.V2)
        {
            Enqueue(new OutboundFrame(0, SocketProtocol.Ack(clientId, id)));
        }
    }

    private static string Describe(ValidationException ex) => string.Join(" ", ex.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));

    /// <summary>Invalid JSON or UTF-8: close 1007 in v1, an error frame in v2.</summary>
    private void Reject(WebSocketCloseStatus v1Status, string detail)
    {
        if (Version == ProtocolVersion.V2)
        {
            AfterAnswers(new OutboundFrame(0, SocketProtocol.Error(detail)));
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
            AfterAnswers(new OutboundFrame(0, SocketProtocol.Error(detail, clientId)));
        }
    }

    /// <summary>Queues a frame once the answers to earlier frames are queued.</summary>
    private void AfterAnswers(OutboundFrame frame)
    {
        var previous = _answered;
        if (previous.IsCompleted)
        {
            Enqueue(frame);
        }
        else
        {
            _answered = previous.ContinueWith(_ => Enqueue(frame), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
