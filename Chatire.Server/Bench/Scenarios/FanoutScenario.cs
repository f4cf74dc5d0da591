using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace Chatire.Bench.Scenarios;

public sealed record FanoutOptions
{
    public int Chats { get; init; } = 1;
    public int Subscribers { get; init; } = 20;
    public int Publishers { get; init; } = 1;
    /// <summary>Messages per second over all publishers; 0 = as fast as the window allows.</summary>
    public double Rate { get; init; }
    /// <summary>"ws" (frames with acks) or "http" (POST .../messages/).</summary>
    public string Via { get; init; } = "ws";
    public const int WsWindow = 128;
    public const int HttpWindow = 8;

    /// <summary>Unacknowledged messages a publisher may have in flight (ws), or parallel requests per publisher (http).</summary>
    public int Window { get; init; } = WsWindow;
    public int Size { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// R chats × S subscribers, P publishers. Every message carries its send time, its lane (publisher
/// × chat × http lane) and a sequence number, so each subscriber can measure end-to-end latency
/// and count lost, duplicated and out-of-order deliveries. Lost means stored (acknowledged) and
/// not delivered: a post the server refused was never stored and counts as refused.
/// </summary>
public sealed class FanoutScenario(BenchContext context, FanoutOptions options)
{
    private readonly BenchTarget _target = context.Target;
    private long _startTicks;
    private long _lastDeliveryTicks;
    private long _lastAckTicks;
    private long _errors;
    private string? _firstError;
    private long _refused;
    private volatile bool _throttledEarly;
    private readonly CancellationTokenSource _stopOnThrottle = new();

    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        var http = options.Via == "http";
        if (http && _target.Peer)
        {
            throw new BenchException("The peer speaks WebSocket only: use --via ws with --peer.");
        }

        var lanesPerPair = http ? Math.Max(1, options.Window) : 1;
        var lanes = BuildLanes(lanesPerPair);
        var slotsPerChat = new int[options.Chats];
        foreach (var lane in lanes)
        {
            slotsPerChat[lane.Chat]++;
        }

        using var api = new BenchApi(_target, Math.Max(context.SetupConcurrency, lanes.Count));
        using var connector = new SocketConnector(_target, (options.Chats * options.Subscribers) + lanes.Count);
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Setup: users, chats, memberships (Chatire); fixed chat names (peer).
        var chatUris = new string[options.Chats];
        var subscriberTokens = new string?[options.Chats * options.Subscribers];
        var publisherTokens = new string?[options.Publishers];
        if (_target.Peer)
        {
            for (var c = 0; c < options.Chats; c++)
            {
                chatUris[c] = $"fanout{_target.RunId}c{c}";
            }
        }
        else
        {
            await context.Notes.WriteLineAsync($"setup: {subscriberTokens.Length + publisherTokens.Length} users, {options.Chats} chats").ConfigureAwait(false);
            var subs = await context.CreateUsersAsync(api, "s", subscriberTokens.Length, ct).ConfigureAwait(false);
            var pubs = await context.CreateUsersAsync(api, "p", publisherTokens.Length, ct).ConfigureAwait(false);
            subs.CopyTo(subscriberTokens, 0);
            pubs.CopyTo(publisherTokens, 0);
            await context.ForEachAsync(options.Chats, async c =>
            {
                chatUris[c] = await api.CreateChatAsync(subs[c * options.Subscribers], ct).ConfigureAwait(false);
                for (var s = 1; s < options.Subscribers; s++)
                {
                    await api.JoinChatAsync(subs[(c * options.Subscribers) + s], chatUris[c], ct).ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);
            var pairs = lanes.Select(l => (l.Publisher, l.Chat)).Distinct().ToArray();
            await context.ForEachAsync(pairs.Length, i => api.JoinChatAsync(pubs[pairs[i].Publisher], chatUris[pairs[i].Chat], ct), ct).ConfigureAwait(false);
        }

        foreach (var lane in lanes)
        {
            lane.Uri = chatUris[lane.Chat];
            lane.Token = publisherTokens[lane.Publisher];
        }

        // Subscribers first, so each is owed every message published afterwards.
        var subscribers = new Subscriber[options.Chats * options.Subscribers];
        using var raw = new RawSubscribers();
        await context.ForEachAsync(subscribers.Length, async i =>
        {
            var chat = i / options.Subscribers;
            var subscriber = subscribers[i] = new Subscriber(chat, slotsPerChat[chat]);
            await raw.ConnectAsync(_target.WebSocketUri(chatUris[chat], subscriberTokens[i], node: i), connector.NextSource(), f => OnDelivery(subscriber, f), ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        raw.Start();

        var ackReceivers = new List<Task>();
        if (!http)
        {
            var bySocket = lanes.GroupBy(l => (l.Publisher, l.Chat)).ToArray();
            await context.ForEachAsync(bySocket.Length, async i =>
            {
                var lane = bySocket[i].First();
                lane.Socket = await connector.OpenAsync(_target.WebSocketUri(lane.Uri, lane.Token, node: i + 1), ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            foreach (var lane in lanes)
            {
                ackReceivers.Add(Task.Run(() => FrameReceiver.RunAsync(lane.Socket!, f => OnPublisherFrame(lane, f), stopReceiving.Token), CancellationToken.None));
            }
        }

        // Publish for the duration.
        var windows = Enumerable.Range(0, options.Publishers).Select(_ => new SemaphoreSlim(Math.Max(1, options.Window))).ToArray();
        foreach (var lane in lanes)
        {
            lane.Window = windows[lane.Publisher];
        }

        using var stopPublishing = new CancellationTokenSource(options.Duration);
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(ct, stopPublishing.Token, _stopOnThrottle.Token);
        _startTicks = Stopwatch.GetTimestamp();
        var cpu = new CpuMeter(_target.ServerPid);
        Task[] publishers;
        await using (new ProgressBar(context.Terminal, "fanout", options.Duration, () => Status(lanes, subscribers)))
        {
            publishers = http
                ? lanes.Select(l => Task.Run(() => PublishHttpAsync(api, l, lanes.Count, publishing.Token), CancellationToken.None)).ToArray()
                : lanes.GroupBy(l => l.Publisher).Select(g => Task.Run(() => PublishWsAsync([.. g], publishing.Token), CancellationToken.None)).ToArray();
            await Task.WhenAll(publishers).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();

            // Drain: every acknowledgement, then every delivery owed (or no progress for 5 s).
            await WaitUntilAsync(() => lanes.All(l => Interlocked.Read(ref l.Acked) + Interlocked.Read(ref l.Failed) >= l.Sent), () => lanes.Sum(l => Interlocked.Read(ref l.Acked)), ct).ConfigureAwait(false);
            var owed = OwedPerChat(lanes);
            await WaitUntilAsync(() => subscribers.All(s => Volatile.Read(ref s.InOrder) >= owed[s.Chat]), () => subscribers.Sum(s => Volatile.Read(ref s.Received)), ct).ConfigureAwait(false);
        }

        await stopReceiving.CancelAsync().ConfigureAwait(false);
        raw.Stop();
        var result = Summarize(lanes, subscribers);
        cpu.AddTo(result);
        var delivered = subscribers.Sum(s => s.Received);
        if (cpu.ServerSeconds is { } serverSeconds && delivered > 0)
        {
            result.Number("server_cpu_us_per_delivery", "server CPU per delivery", serverSeconds * 1e6 / delivered, "µs");
        }

        foreach (var socket in lanes.Where(l => l.Socket is not null).Select(l => l.Socket!))
        {
            socket.Abort();
            socket.Dispose();
        }

        var endings = raw.Endings;
        await Task.WhenAll(ackReceivers).ConfigureAwait(false);
        var closedEarly = endings.Count(e => e != "stopped");
        result.MustBeZero("sockets_closed_early", "sockets closed early", closedEarly);
        if (closedEarly > 0)
        {
            result.Text("first_close", "first early close", endings.First(e => e != "stopped"));
        }

        _stopOnThrottle.Dispose();
        if (_throttledEarly)
        {
            throw Throttling.Stop("in the first second");
        }

        return result;
    }

    private List<Lane> BuildLanes(int lanesPerPair)
    {
        var lanes = new List<Lane>();
        var slots = new int[options.Chats];
        for (var c = 0; c < options.Chats; c++)
        {
            for (var p = 0; p < options.Publishers; p++)
            {
                var assigned = options.Chats >= options.Publishers ? c % options.Publishers == p : p % options.Chats == c;
                if (!assigned)
                {
                    continue;
                }

                for (var k = 0; k < lanesPerPair; k++)
                {
                    lanes.Add(new Lane(p, c, slots[c]++));
                }
            }
        }

        return lanes;
    }

    private async Task PublishWsAsync(Lane[] lanes, CancellationToken ct)
    {
        var pacer = new Pacer(options.Rate / options.Publishers);
        var window = lanes[0].Window!;
        var next = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await window.WaitAsync(ct).ConfigureAwait(false);
                await pacer.WaitAsync(ct).ConfigureAwait(false);
                var lane = lanes[next++ % lanes.Length];
                var ticks = Stopwatch.GetTimestamp();
                var frame = Frames.PostFrame(Frames.Payload(ticks, lane.Slot, lane.Sent, options.Size), lane.ClientId(lane.Sent));
                lane.SendTicks.Enqueue(ticks);
                lane.Sent++;
                await lane.Socket!.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            RecordError("publisher socket failed: " + ex.Message);
        }
    }

    private async Task PublishHttpAsync(BenchApi api, Lane lane, int laneCount, CancellationToken ct)
    {
        var pacer = new Pacer(options.Rate / laneCount);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await pacer.WaitAsync(ct).ConfigureAwait(false);
                var ticks = Stopwatch.GetTimestamp();
                var seq = lane.Sent++;
                try
                {
                    await api.PostMessageAsync(lane.Token!, lane.Uri, Frames.Payload(ticks, lane.Slot, seq, options.Size), lane.ClientId(seq), CancellationToken.None).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    lane.AckLatency.RecordTicks(now - ticks);
                    Interlocked.Increment(ref lane.Acked);
                    InterlockedMax(ref _lastAckTicks, now);
                }
                catch (BenchException ex)
                {
                    Interlocked.Increment(ref lane.Failed);
                    if (Throttling.IsThrottled(ex))
                    {
                        RecordRefused();
                    }
                    else
                    {
                        RecordError(ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnPublisherFrame(Lane lane, Frame frame)
    {
        if (frame.Kind is not (FrameKind.Ack or FrameKind.Error))
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (lane.SendTicks.TryDequeue(out var sent))
        {
            lane.AckLatency.RecordTicks(now - sent);
        }

        if (frame.Kind == FrameKind.Ack)
        {
            Interlocked.Increment(ref lane.Acked);
        }
        else
        {
            Interlocked.Increment(ref lane.Failed);
            if (Throttling.IsThrottled(frame.Detail))
            {
                RecordRefused();
            }
            else
            {
                RecordError("error frame: " + frame.Detail);
            }
        }

        InterlockedMax(ref _lastAckTicks, now);
        lane.Window!.Release();
    }

    private void OnDelivery(Subscriber subscriber, Frame frame)
    {
        if (frame.Kind != FrameKind.Message)
        {
            if (frame.Kind == FrameKind.Error)
            {
                RecordError("error frame to a subscriber: " + frame.Detail);
            }

            return;
        }

        if (frame.Slot < 0 || frame.Slot >= subscriber.Next.Length)
        {
            subscriber.Foreign++;
            return;
        }

        var now = Stopwatch.GetTimestamp();
        subscriber.Latency.RecordTicks(now - frame.SentTicks);
        // Sequence numbers skip the posts the server refused, so a gap alone is not a loss: what was
        // stored and not received is counted at the end (acknowledged minus received, per lane).
        var expected = subscriber.Next[frame.Slot];
        if (frame.Seq < expected)
        {
            subscriber.Duplicated++;
        }
        else
        {
            subscriber.Next[frame.Slot] = frame.Seq + 1;
            subscriber.Distinct[frame.Slot]++;
            Volatile.Write(ref subscriber.InOrder, subscriber.InOrder + 1);
        }

        Volatile.Write(ref subscriber.Received, subscriber.Received + 1);
        InterlockedMax(ref _lastDeliveryTicks, now);
    }

    private long[] OwedPerChat(List<Lane> lanes)
    {
        var owed = new long[options.Chats];
        foreach (var lane in lanes)
        {
            owed[lane.Chat] += Interlocked.Read(ref lane.Acked);
        }

        return owed;
    }

    private static async Task WaitUntilAsync(Func<bool> done, Func<long> progress, CancellationToken ct)
    {
        var last = progress();
        var lastChange = Stopwatch.GetTimestamp();
        while (!done())
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
            var now = progress();
            if (now != last)
            {
                last = now;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) > TimeSpan.FromSeconds(5))
            {
                return;
            }
        }
    }

    private BenchResult Summarize(List<Lane> lanes, Subscriber[] subscribers)
    {
        var acked = lanes.Sum(l => l.Acked);
        var delivered = subscribers.Sum(s => s.Received);
        var owed = OwedPerChat(lanes);
        var ackedPerSlot = new Dictionary<(int Chat, int Slot), long>();
        foreach (var lane in lanes)
        {
            ackedPerSlot[(lane.Chat, lane.Slot)] = lane.Acked;
        }

        long lost = 0;
        long duplicated = 0;
        var latency = new LatencyHistogram();
        foreach (var subscriber in subscribers)
        {
            for (var slot = 0; slot < subscriber.Next.Length; slot++)
            {
                lost += Math.Max(0, ackedPerSlot[(subscriber.Chat, slot)] - subscriber.Distinct[slot]);
            }

            duplicated += subscriber.Duplicated;
            latency.Merge(subscriber.Latency);
        }

        var ackLatency = new LatencyHistogram();
        foreach (var lane in lanes)
        {
            ackLatency.Merge(lane.AckLatency);
        }

        var publishSeconds = Seconds(_startTicks, _lastAckTicks);
        var deliverySeconds = Seconds(_startTicks, _lastDeliveryTicks);
        var result = new BenchResult("fanout")
            .Text("target", "target", _target.Peer ? "peer" : "chatire")
            .Text("via", "publish via", options.Via)
            .Text("batch", "batched frames", _target.Batch && !_target.Peer ? "yes" : "no")
            .Count("chats", "chats", options.Chats)
            .Count("subscribers_per_chat", "subscribers per chat", options.Subscribers)
            .Count("publishers", "publishers", options.Publishers)
            .Number("rate_target", "target rate", options.Rate, options.Rate > 0 ? "msg/s" : "(flat out)")
            .Count("message_bytes", "message size", options.Size, "bytes")
            .Number("duration_s", "duration", publishSeconds, "s")
            .Count("messages", "messages stored", acked)
            .Count("refused", "refused (rate limit)", Interlocked.Read(ref _refused))
            .Number("messages_per_sec", "messages/s", publishSeconds > 0 ? acked / publishSeconds : 0)
            .Count("deliveries", "deliveries", delivered)
            .Number("deliveries_per_sec", "deliveries/s", deliverySeconds > 0 ? delivered / deliverySeconds : 0)
            .Latency("", "latency", latency)
            .Latency("ack_", options.Via == "http" ? "post answer" : "ack", ackLatency)
            .MustBeZero("lost", "lost", lost)
            .MustBeZero("duplicated", "duplicated", duplicated)
            .MustBeZero("errors", "errors", _errors);
        if (_firstError is not null)
        {
            result.Text("first_error", "first error", _firstError);
        }

        return result;
    }

    private string Status(List<Lane> lanes, Subscriber[] subscribers)
    {
        var acked = lanes.Sum(l => Interlocked.Read(ref l.Acked));
        var delivered = subscribers.Sum(s => Volatile.Read(ref s.Received));
        var seconds = Stopwatch.GetElapsedTime(_startTicks).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{acked:N0} msgs ({acked / seconds:N0}/s)  {delivered:N0} deliveries ({delivered / seconds:N0}/s)");
    }

    /// <summary>A post refused by the server's rate limit: not stored, so not owed to anyone.
    /// In the first second it means the limit, not the server, would be measured: stop.</summary>
    private void RecordRefused()
    {
        Interlocked.Increment(ref _refused);
        if (Stopwatch.GetElapsedTime(_startTicks) < Throttling.EarlyWindow && !_throttledEarly)
        {
            _throttledEarly = true;
            try
            {
                _stopOnThrottle.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void RecordError(string message)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, message, null);
    }

    private static double Seconds(long from, long to) => to > from ? (to - from) / (double)Stopwatch.Frequency : 0;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>A sequence of messages from one publisher into one chat (one socket, or one HTTP loop).</summary>
    private sealed class Lane(int publisher, int chat, int slot)
    {
        public int Publisher { get; } = publisher;
        public int Chat { get; } = chat;
        public int Slot { get; } = slot;
        public string Uri { get; set; } = "";
        public string? Token { get; set; }
        public ClientWebSocket? Socket { get; set; }
        public SemaphoreSlim? Window { get; set; }
        public ConcurrentQueue<long> SendTicks { get; } = new();
        public LatencyHistogram AckLatency { get; } = new();
        public long Sent;
        public long Acked;
        public long Failed;

        public string ClientId(long seq) => string.Create(CultureInfo.InvariantCulture, $"{Slot}-{seq}");
    }

    private sealed class Subscriber(int chat, int slots)
    {
        public int Chat { get; } = chat;
        public long[] Next { get; } = new long[slots];
        /// <summary>Distinct messages received per lane.</summary>
        public long[] Distinct { get; } = new long[slots];
        public LatencyHistogram Latency { get; } = new();
        public long Received;
        public long InOrder;
        public long Duplicated;
        public long Foreign;
    }
}
