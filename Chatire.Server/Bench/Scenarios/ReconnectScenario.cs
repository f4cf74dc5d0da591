using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace Chatire.Bench.Scenarios;

public sealed record ReconnectOptions
{
    public int Subscribers { get; init; } = 20;
    public double Rate { get; init; } = 500;
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Subscribers drop their sockets and resume with <c>?since=</c> while one publisher posts; every
/// acknowledged message must reach every subscriber exactly once.
/// </summary>
public sealed class ReconnectScenario(BenchContext context, ReconnectOptions options)
{
    private long _maxAckedId;
    private long _errors;
    private string? _firstError;
    private long _refused;
    private long _startTicks;
    private volatile bool _throttledEarly;

    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        var target = context.Target;
        using var api = new BenchApi(target, context.SetupConcurrency);
        using var connector = new SocketConnector(target, options.Subscribers + 1);
        await context.Notes.WriteLineAsync($"setup: {options.Subscribers + 1} users, 1 chat").ConfigureAwait(false);
        var tokens = await context.CreateUsersAsync(api, "r", options.Subscribers + 1, ct).ConfigureAwait(false);
        var uri = await api.CreateChatAsync(tokens[0], ct).ConfigureAwait(false);
        await context.ForEachAsync(options.Subscribers, i => api.JoinChatAsync(tokens[i + 1], uri, ct), ct).ConfigureAwait(false);

        var subscribers = Enumerable.Range(0, options.Subscribers).Select(i => new Subscriber(tokens[i + 1], i)).ToArray();
        foreach (var subscriber in subscribers)
        {
            await subscriber.ConnectAsync(connector, target, uri, this, ct).ConfigureAwait(false);
        }

        var publisher = await connector.OpenAsync(target.WebSocketUri(uri, tokens[0]), ct).ConfigureAwait(false);
        var acked = new List<long>();
        var window = new SemaphoreSlim(64);
        using var stop = new CancellationTokenSource(options.Duration);
        var ackLoop = FrameReceiver.RunAsync(publisher, frame =>
        {
            if (frame.Kind == FrameKind.Ack)
            {
                acked.Add(frame.Id);
                Volatile.Write(ref _maxAckedId, Math.Max(_maxAckedId, frame.Id));
                window.Release();
            }
            else if (frame.Kind == FrameKind.Error)
            {
                if (Throttling.IsThrottled(frame.Detail))
                {
                    // Refused, never stored: not owed to any subscriber. Early on, the limit is all a run would measure.
                    Interlocked.Increment(ref _refused);
                    if (Stopwatch.GetElapsedTime(Volatile.Read(ref _startTicks)) < Throttling.EarlyWindow)
                    {
                        _throttledEarly = true;
                        stop.Cancel();
                    }
                }
                else
                {
                    RecordError("error frame: " + frame.Detail);
                }

                window.Release();
            }
        }, ct);

        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref _startTicks, started);
        long sent = 0;
        await using (new ProgressBar(context.Terminal, "reconnect", options.Duration,
            () => $"{Volatile.Read(ref sent):N0} sent  {subscribers.Sum(s => Volatile.Read(ref s.Reconnects)):N0} reconnects"))
        {
            var cycles = subscribers.Select(s => Task.Run(() => s.CycleAsync(connector, target, uri, options.Interval, this, stop.Token), CancellationToken.None)).ToArray();
            var pacer = new Pacer(options.Rate);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await window.WaitAsync(stop.Token).ConfigureAwait(false);
                    await pacer.WaitAsync(stop.Token).ConfigureAwait(false);
                    var seq = sent;
                    var frame = Frames.PostFrame(Frames.Payload(Stopwatch.GetTimestamp(), 0, seq, 48), string.Create(CultureInfo.InvariantCulture, $"r-{seq}"));
                    await publisher.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
                    Volatile.Write(ref sent, seq + 1);
                }
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(cycles).ConfigureAwait(false);

            // Drain: every acknowledgement, then every subscriber up to the last acknowledged id.
            await WaitAsync(() => acked.Count + Interlocked.Read(ref _errors) + Interlocked.Read(ref _refused) >= Volatile.Read(ref sent), ct).ConfigureAwait(false);
            var last = Volatile.Read(ref _maxAckedId);
            await WaitAsync(() => subscribers.All(s => Volatile.Read(ref s.LastId) >= last), ct).ConfigureAwait(false);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        publisher.Abort();
        await ackLoop.ConfigureAwait(false);
        foreach (var subscriber in subscribers)
        {
            await subscriber.DropAsync().ConfigureAwait(false);
        }

        var ackedIds = acked.ToArray();
        long lost = 0;
        var catchUp = new LatencyHistogram();
        foreach (var subscriber in subscribers)
        {
            lost += ackedIds.Count(id => !subscriber.Seen.Contains(id));
            catchUp.Merge(subscriber.CatchUp);
        }

        var result = new BenchResult("reconnect")
            .Text("target", "target", "chatire")
            .Count("subscribers", "subscribers", options.Subscribers)
            .Number("duration_s", "duration", seconds, "s")
            .Count("messages", "messages stored", ackedIds.Length)
            .Count("refused", "refused (rate limit)", Interlocked.Read(ref _refused))
            .Number("messages_per_sec", "messages/s", ackedIds.Length / seconds)
            .Count("reconnects", "reconnects", subscribers.Sum(s => s.Reconnects))
            .Number("reconnects_per_sec", "reconnects/s", subscribers.Sum(s => s.Reconnects) / seconds)
            .Count("deliveries", "deliveries", subscribers.Sum(s => s.Received))
            .Latency("catch_up_", "catch-up", catchUp)
            .Count("closed_by_server", "closed by server", subscribers.Sum(s => s.ClosedByServer))
            .MustBeZero("lost", "lost", lost)
            .MustBeZero("duplicated", "duplicated", subscribers.Sum(s => s.Duplicated))
            .MustBeZero("errors", "errors", _errors);
        if (_firstError is not null)
        {
            result.Text("first_error", "first error", _firstError);
        }

        if (_throttledEarly)
        {
            throw Throttling.Stop("in the first second");
        }

        return result;
    }

    private void RecordError(string message)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, message, null);
    }

    private static async Task WaitAsync(Func<bool> done, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (!done() && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One subscriber: its socket of the moment, what it has seen, and its catch-up times.</summary>
    private sealed class Subscriber(string token, int index)
    {
        private readonly Random _random = new(index);
        private ClientWebSocket? _socket;
        private Task<string>? _receiver;
        private long _dropTicks;
        private long _catchUpTarget;

        public HashSet<long> Seen { get; } = [];
        public LatencyHistogram CatchUp { get; } = new();
        public long LastId;
        public long Received;
        public long Duplicated;
        public long Reconnects;
        public long ClosedByServer;

        public async Task ConnectAsync(SocketConnector connector, BenchTarget target, string uri, ReconnectScenario scenario, CancellationToken ct)
        {
            var since = Reconnects == 0 && _dropTicks == 0 ? (long?)null : Volatile.Read(ref LastId);
            _catchUpTarget = Volatile.Read(ref scenario._maxAckedId);
            _socket = await connector.OpenAsync(target.WebSocketUri(uri, token, since), ct).ConfigureAwait(false);
            if (_dropTicks != 0 && _catchUpTarget <= Volatile.Read(ref LastId))
            {
                CatchUp.RecordTicks(Stopwatch.GetTimestamp() - _dropTicks); // nothing was missed: connected is caught up
                _dropTicks = 0;
            }

            _receiver = FrameReceiver.RunAsync(_socket, OnFrame, CancellationToken.None);
        }

        public async Task CycleAsync(SocketConnector connector, BenchTarget target, string uri, TimeSpan interval, ReconnectScenario scenario, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var stay = interval * (0.5 + _random.NextDouble());
                try
                {
                    await Task.Delay(stay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // stay connected for the drain
                }

                await DropAsync().ConfigureAwait(false);
                _dropTicks = Stopwatch.GetTimestamp();
                Reconnects++;
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        await ConnectAsync(connector, target, uri, scenario, CancellationToken.None).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (ex is WebSocketException or HttpRequestException && attempt < 20)
                    {
                        await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }

        public async Task DropAsync()
        {
            if (_socket is null)
            {
                return;
            }

            _socket.Abort();
            var ending = await _receiver!.ConfigureAwait(false);
            if (ending.StartsWith("closed", StringComparison.Ordinal))
            {
                ClosedByServer++;
            }

            _socket.Dispose();
            _socket = null;
        }

        private void OnFrame(Frame frame)
        {
            if (frame.Kind != FrameKind.Message || frame.Id <= 0)
            {
                return;
            }

            if (!Seen.Add(frame.Id))
            {
                Duplicated++;
                return;
            }

            Received++;
            if (frame.Id > LastId)
            {
                Volatile.Write(ref LastId, frame.Id);
            }

            if (_dropTicks != 0 && frame.Id >= _catchUpTarget)
            {
                CatchUp.RecordTicks(Stopwatch.GetTimestamp() - _dropTicks);
                _dropTicks = 0;
            }
        }
    }
}
