using System.Diagnostics;
using System.Net.WebSockets;

namespace Chatire.Bench.Scenarios;

public sealed record ConnectionsOptions
{
    public int Count { get; init; } = 1000;
    public int PerUser { get; init; } = 25;
    public int Concurrency { get; init; } = 64;
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>Opens N idle authenticated sockets, holds them, and reports connect rate and the
/// server's resident memory per socket.</summary>
public sealed class ConnectionsScenario(BenchContext context, ConnectionsOptions options)
{
    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        var target = context.Target;
        var users = (options.Count + options.PerUser - 1) / options.PerUser;
        using var api = new BenchApi(target, context.SetupConcurrency);
        using var connector = new SocketConnector(target, options.Count);
        var tokens = new string?[users];
        var chats = new string[users];
        if (target.Peer)
        {
            for (var u = 0; u < users; u++)
            {
                chats[u] = $"idle{target.RunId}u{u}";
            }
        }
        else
        {
            await context.Notes.WriteLineAsync($"setup: {users} users, each with its own chat").ConfigureAwait(false);
            var created = await context.CreateUsersAsync(api, "c", users, ct).ConfigureAwait(false);
            created.CopyTo(tokens, 0);
            await context.ForEachAsync(users, async u => chats[u] = await api.CreateChatAsync(created[u], ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }

        await SettleAsync(ct).ConfigureAwait(false);
        var rssBefore = await api.ServerRssAsync(ct).ConfigureAwait(false);
        var heapBefore = await api.MetricAsync(HeapMetric, ct).ConfigureAwait(false);

        var sockets = new ClientWebSocket?[options.Count];
        var receivers = new Task<string>?[options.Count];
        var connectLatency = new LatencyHistogram();
        var latencyLock = new Lock();
        long failures = 0;
        string? firstFailure = null;
        var opened = 0;
        var started = Stopwatch.GetTimestamp();
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using (new ProgressBar(context.Terminal, "connect", TimeSpan.Zero, () => $"{Volatile.Read(ref opened):N0}/{options.Count:N0} sockets open, {Interlocked.Read(ref failures)} failed"))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                var user = i / options.PerUser;
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    var socket = await connector.OpenAsync(target.WebSocketUri(chats[user], tokens[user]), token).ConfigureAwait(false);
                    var elapsed = Stopwatch.GetTimestamp() - begin;
                    lock (latencyLock)
                    {
                        connectLatency.RecordTicks(elapsed);
                    }

                    sockets[i] = socket;
                    receivers[i] = FrameReceiver.RunAsync(socket, static _ => { }, stopReceiving.Token);
                    Interlocked.Increment(ref opened);
                }
                catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, ex.Message, null);
                }
            }).ConfigureAwait(false);
        }

        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await using (new ProgressBar(context.Terminal, "hold", options.Hold, () => $"{opened:N0} sockets open"))
        {
            await Task.Delay(options.Hold, ct).ConfigureAwait(false);
        }

        var rssHeld = await api.ServerRssAsync(ct).ConfigureAwait(false);
        var heapHeld = await api.MetricAsync(HeapMetric, ct).ConfigureAwait(false);
        var stillOpen = sockets.Count(s => s is not null && s.State == WebSocketState.Open);

        await stopReceiving.CancelAsync().ConfigureAwait(false);
        foreach (var socket in sockets)
        {
            socket?.Abort();
            socket?.Dispose();
        }

        await Task.WhenAll(receivers.Where(r => r is not null).Select(r => r!)).ConfigureAwait(false);

        var result = new BenchResult("connections")
            .Text("target", "target", target.Peer ? "peer" : "chatire")
            .Count("sockets", "sockets requested", options.Count)
            .Count("opened", "sockets opened", opened)
            .Count("source_addresses", "source addresses", connector.SourceAddresses)
            .Number("duration_s", "connect time", connectSeconds, "s")
            .Number("connects_per_sec", "connects/s", connectSeconds > 0 ? opened / connectSeconds : 0)
            .Latency("connect_", "connect", connectLatency)
            .MustBeZero("failed", "failed", failures)
            .MustBeZero("dropped_while_held", "dropped while held", opened - stillOpen);
        if (rssBefore is { } before && rssHeld is { } held)
        {
            result.Number("server_rss_before_mib", "server RSS before", before / 1048576.0, "MiB")
                .Number("server_rss_held_mib", "server RSS holding", held / 1048576.0, "MiB")
                .Number("rss_per_socket_kib", "RSS per socket", opened > 0 ? (held - before) / 1024.0 / opened : 0, "KiB");
        }

        if (heapBefore is { } heap0 && heapHeld is { } heap1)
        {
            result.Number("heap_per_socket_kib", "managed heap per socket", opened > 0 ? (heap1 - heap0) / 1024.0 / opened : 0, "KiB");
        }

        if (firstFailure is not null)
        {
            result.Text("first_error", "first error", firstFailure);
        }

        return result;
    }

    private const string HeapMetric = "chatire_gc_heap_bytes";

    /// <summary>Gives the server a moment after setup so its memory reading is not mid-burst.</summary>
    private static Task SettleAsync(CancellationToken ct) => Task.Delay(TimeSpan.FromMilliseconds(500), ct);
}
