using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using Chatire.Observability;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// A socket's send side: a bounded queue with a single writer. There is no writer task per socket:
/// whoever queues a frame into an idle outbox becomes its writer and sends inline until the queue is
/// empty or a send has to wait; the send's continuation then carries on (see <see cref="PumpAsync"/>).
/// So a broadcast costs one send call per socket and no thread wake-ups while the peers keep up. A full
/// queue closes the socket with 1013, so a slow peer never slows anyone else. Closing is idempotent: the
/// first close status wins, the writer sends it, and the socket is aborted if the peer does not finish
/// the handshake within <see cref="CloseGrace"/> (a timer made only then). Frames queued before
/// <see cref="Open"/> wait, so the opening frames (presence, replay, the chat list) go first. Each send takes one unit from
/// <see cref="NextUnit"/>. A batching outbox (protocol v2, <c>batch=1</c>) packs the frames that are
/// already waiting into one message, one frame per line, up to <see cref="MaxBatchBytes"/>: it copies
/// the bytes each broadcast serialized once into a pooled buffer, and never waits for more frames. While
/// other work waits in the thread pool (under load: the next broadcasts), its writer does not start
/// inline: the outbox joins <see cref="Due"/>, and one thread-pool item, queued behind that work, sends
/// for every due outbox (see <see cref="FlushDue"/>), so each socket finds several frames waiting and
/// sends them with one syscall. When nothing else waits, it sends inline at once like any outbox: a
/// lone frame goes alone, without a thread hop.
/// </summary>
public sealed class Outbox(int capacity, bool batching, Metrics metrics, ILogger log, string name)
{
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    /// <summary>The largest batch; a single frame larger than this is sent alone.</summary>
    public const int MaxBatchBytes = 64 * 1024;

    /// <summary>Batching outboxes whose writer is due, and whether a thread-pool item to run them is queued.</summary>
    private static readonly ConcurrentQueue<Outbox> Due = new();
    private static int _flushQueued;

    private readonly Queue<OutboundFrame> _queue = new();
    private readonly int _capacity = Math.Max(1, capacity);
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Timer? _grace; // aborts the socket when a close handshake takes longer than CloseGrace
    private int _aborted;
    private WebSocket? _socket;
    private int _closeRequested;
    private WebSocketCloseStatus _closeStatus = CloseCodes.Normal;
    private string _closeReason = "";
    private long _sendStarted;
    private bool _writing; // a writer owns the send side (guarded by _queue)
    private bool _opened; // the opening frames are sent; queued frames may follow (guarded by _queue)
    private long _skipUpTo;

    public bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>The socket's name in logs (one string per socket, shared by its reader and post pipeline).</summary>
    public string Name => name;

    /// <summary>Completes when the writer has sent the close frame or given up.</summary>
    public Task Done => _writerDone.Task;

    /// <summary>How long the current send has been stuck, or zero.</summary>
    public TimeSpan SendingFor
    {
        get
        {
            var started = Interlocked.Read(ref _sendStarted);
            return started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started);
        }
    }

    /// <summary>Binds the outbox to its socket; Abort() aborts the socket from then on (at once if it came first).
    /// No cancellation token is involved: aborting the socket fails its pending receive and send, and an idle
    /// socket holds no token registration.</summary>
    public void Attach(WebSocket socket)
    {
        Volatile.Write(ref _socket, socket);
        if (Volatile.Read(ref _aborted) != 0)
        {
            socket.Abort();
        }
    }

    /// <summary>Queues a frame without waiting; when the outbox was idle, sends it (and whatever follows)
    /// on the calling thread until a send has to wait, or, when batching and other work is queued, makes the
    /// outbox due for the next flush. A full outbox closes the socket with 1013.</summary>
    public bool Enqueue(OutboundFrame frame)
    {
        lock (_queue)
        {
            if (IsClosing)
            {
                return false;
            }

            if (_queue.Count < _capacity)
            {
                _queue.Enqueue(frame);
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
            metrics.SlowConsumerDropped();
            Close(CloseCodes.TryAgainLater, "Fell behind; reconnect with since.");
            return false;
        }

        if (batching && ThreadPool.PendingWorkItemCount > 0)
        {
            // Other work is queued (more broadcasts, most likely): flush after it, with whatever it adds.
            Due.Enqueue(this);
            if (Interlocked.Exchange(ref _flushQueued, 1) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static _ => FlushDue(), (object?)null, preferLocal: false);
            }
        }
        else
        {
            _ = PumpAsync();
        }

        return true;
    }

    /// <summary>Runs the writer of every due outbox (each sends inline until it is empty or a send waits).</summary>
    private static void FlushDue()
    {
        Volatile.Write(ref _flushQueued, 0);
        while (Due.TryDequeue(out var outbox))
        {
            _ = outbox.PumpAsync();
        }
    }

    /// <summary>Sends an opening frame directly (before <see cref="Open"/>; the caller is the only writer then).</summary>
    public Task SendNowAsync(byte[] bytes) =>
        Waiting(_socket!.SendAsync(new ReadOnlyMemory<byte>(bytes), WebSocketMessageType.Text, true, CancellationToken.None));

    /// <summary>Sends opening frames directly (a replay), packed into batches when the socket batches.
    /// Stops early when the socket starts closing.</summary>
    public async Task SendNowAsync(IEnumerable<byte[]> frames)
    {
        if (!batching)
        {
            foreach (var frame in frames)
            {
                if (IsClosing)
                {
                    return;
                }

                await SendNowAsync(frame).ConfigureAwait(false);
            }

            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBatchBytes);
        try
        {
            var length = 0;
            foreach (var frame in frames)
            {
                if (IsClosing)
                {
                    return;
                }

                if (length > 0 && length + 1 + frame.Length > MaxBatchBytes)
                {
                    await SendNowAsync(buffer, length).ConfigureAwait(false);
                    length = 0;
                }

                if (length == 0 && frame.Length >= MaxBatchBytes)
                {
                    await SendNowAsync(frame).ConfigureAwait(false);
                    continue;
                }

                length = Append(buffer, length, frame);
            }

            if (length > 0 && !IsClosing)
            {
                await SendNowAsync(buffer, length).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task SendNowAsync(byte[] buffer, int length) =>
        Waiting(_socket!.SendAsync(new ReadOnlyMemory<byte>(buffer, 0, length), WebSocketMessageType.Text, true, CancellationToken.None));

    /// <summary>Queued timeline frames at or below <paramref name="position"/> were already sent by a replay: they are dropped.</summary>
    public void SkipUpTo(long position) => _skipUpTo = position;

    /// <summary>The opening frames are sent: queued frames flow from now on.</summary>
    public void Open()
    {
        lock (_queue)
        {
            _opened = true;
        }

        StartWriter();
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
        _grace = new Timer(static s => ((Outbox)s!).AbortSocket(), this, CloseGrace, Timeout.InfiniteTimeSpan); // once: the first close only
    }

    /// <summary>Drops the connection at once (dead or stuck peer).</summary>
    public void Abort()
    {
        Close(CloseCodes.GoingAway, "Peer not responding.");
        AbortSocket();
    }

    private void AbortSocket()
    {
        Volatile.Write(ref _aborted, 1);
        Volatile.Read(ref _socket)?.Abort();
    }

    /// <summary>The writer or an opening send failed: the connection is dropped.</summary>
    public void Fail(Exception ex)
    {
        if (ex is not (WebSocketException or OperationCanceledException or ObjectDisposedException or IOException))
        {
            log.Error(ex, "WebSocket writer failed for {Socket}", name);
        }

        Abort();
        _writerDone.TrySetResult();
    }

    public void Dispose() => _grace?.Dispose();

    /// <summary>Becomes the writer if the outbox is open, idle and has work (a frame or a close to send).</summary>
    private void StartWriter()
    {
        lock (_queue)
        {
            if (!_opened || _writing || (_queue.Count == 0 && !IsClosing))
            {
                return;
            }

            _writing = true;
        }

        _ = PumpAsync();
    }

    /// <summary>The next message to send, or an empty unit when nothing is waiting (called under the lock).
    /// Without batching, one frame; with it, every frame already waiting that fits, one per line.</summary>
    private SendUnit NextUnit()
    {
        byte[]? first = null;
        while (_queue.TryDequeue(out var frame))
        {
            if (IsWanted(frame))
            {
                first = frame.Bytes;
                break;
            }
        }

        if (first is null || !batching || first.Length >= MaxBatchBytes || !TryPeekWanted(out var next) || first.Length + 1 + next.Bytes.Length > MaxBatchBytes)
        {
            return new SendUnit(first, first?.Length ?? 0, false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBatchBytes);
        var length = Append(buffer, 0, first);
        while (TryPeekWanted(out next) && length + 1 + next.Bytes.Length <= MaxBatchBytes)
        {
            _queue.Dequeue();
            length = Append(buffer, length, next.Bytes);
        }

        return new SendUnit(buffer, length, true);
    }

    /// <summary>Drops frames a replay already sent from the head of the queue, then peeks the next one.</summary>
    private bool TryPeekWanted(out OutboundFrame frame)
    {
        while (_queue.TryPeek(out frame))
        {
            if (IsWanted(frame))
            {
                return true;
            }

            _queue.Dequeue();
        }

        return false;
    }

    private bool IsWanted(OutboundFrame frame) => frame.Position == 0 || frame.Position > _skipUpTo;

    /// <summary>Appends a frame to a batch, after a line break unless it is the first.</summary>
    private static int Append(byte[] buffer, int length, byte[] frame)
    {
        if (length > 0)
        {
            buffer[length++] = (byte)'\n';
        }

        frame.CopyTo(buffer, length);
        return length + frame.Length;
    }

    /// <summary>
    /// The writer: sends queued frames until the outbox is empty (then gives up the role) or the socket
    /// is closing (then sends the close frame and keeps the role for good). Runs inline on the thread that
    /// started it while sends complete at once; a send that waits resumes it on the thread pool.
    /// </summary>
    private async Task PumpAsync()
    {
        var socket = _socket!;
        try
        {
            while (true)
            {
                SendUnit unit;
                lock (_queue)
                {
                    if (IsClosing)
                    {
                        break;
                    }

                    unit = NextUnit();
                    if (unit.Bytes is null)
                    {
                        _writing = false;
                        return;
                    }
                }

                // No cancellation token: the runtime's fast send path takes none. Abort() aborts the socket,
                // which fails a waiting send just the same.
                try
                {
                    var send = socket.SendAsync(new ReadOnlyMemory<byte>(unit.Bytes, 0, unit.Length), WebSocketMessageType.Text, true, CancellationToken.None);
                    if (!send.IsCompleted)
                    {
                        await Waiting(send).ConfigureAwait(false);
                    }
                    else
                    {
                        send.GetAwaiter().GetResult();
                    }
                }
                finally
                {
                    if (unit.Pooled)
                    {
                        ArrayPool<byte>.Shared.Return(unit.Bytes!);
                    }
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(_closeStatus, _closeReason, CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>One message for the socket: a queued frame as it is, or a batch in a pooled buffer.</summary>
    private readonly record struct SendUnit(byte[]? Bytes, int Length, bool Pooled);
}
