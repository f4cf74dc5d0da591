using System.Diagnostics;

namespace Chatire.Bench.Scenarios;

public sealed record LoginsOptions
{
    public int Concurrency { get; init; } = 8;
    public int Users { get; init; } = 8;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Sign-ins under concurrency: the server's bcrypt cost, by design.</summary>
public sealed class LoginsScenario(BenchContext context, LoginsOptions options)
{
    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        using var api = new BenchApi(context.Target, Math.Max(context.SetupConcurrency, options.Concurrency));
        await context.Notes.WriteLineAsync($"setup: {options.Users} users").ConfigureAwait(false);
        await context.ForEachAsync(options.Users, i => api.RegisterAsync(context.UserName("l", i), ct), ct).ConfigureAwait(false);

        var histograms = new LatencyHistogram[options.Concurrency];
        var counts = new long[options.Concurrency];
        long failures = 0;
        using var stop = new CancellationTokenSource(options.Duration);
        var started = Stopwatch.GetTimestamp();
        await using (new ProgressBar(context.Terminal, "logins", options.Duration, () => $"{counts.Sum():N0} logins ({counts.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds:N1}/s)"))
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(loop => Task.Run(async () =>
            {
                var histogram = histograms[loop] = new LatencyHistogram();
                var name = context.UserName("l", loop % options.Users);
                while (!stop.IsCancellationRequested)
                {
                    var begin = Stopwatch.GetTimestamp();
                    if (await api.TryLoginAsync(name, ct).ConfigureAwait(false))
                    {
                        histogram.RecordTicks(Stopwatch.GetTimestamp() - begin);
                        Volatile.Write(ref counts[loop], counts[loop] + 1);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }, CancellationToken.None))).ConfigureAwait(false);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var latency = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            latency.Merge(histogram);
        }

        return new BenchResult("logins")
            .Text("target", "target", "chatire")
            .Count("concurrency", "concurrency", options.Concurrency)
            .Number("duration_s", "duration", seconds, "s")
            .Count("logins", "logins", latency.Count)
            .Number("logins_per_sec", "logins/s", latency.Count / seconds)
            .Latency("", "login", latency)
            .MustBeZero("errors", "failed logins", failures);
    }
}
