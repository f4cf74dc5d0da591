using System.Diagnostics;
using System.Globalization;

namespace Chatire.Bench.Scenarios;

public sealed record HttpOptions
{
    /// <summary>read, post or both.</summary>
    public string Operation { get; init; } = "both";
    public int Concurrency { get; init; } = 16;
    public int Limit { get; init; } = 20;
    public int Size { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Keep-alive HTTP load on one chat: history reads and message posts.</summary>
public sealed class HttpScenario(BenchContext context, HttpOptions options)
{
    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        var target = context.Target;
        using var api = new BenchApi(target, Math.Max(context.SetupConcurrency, options.Concurrency));
        string[] tokens;
        string uri;
        if (target.Peer)
        {
            // The peer keeps no history and checks no tokens: posts only, into a chat that is just a name.
            if (options.Operation != "post")
            {
                throw new BenchException("The peer answers posts only: use --op post with --peer.");
            }

            tokens = Enumerable.Repeat("peer", options.Concurrency).ToArray();
            uri = $"http{target.RunId}";
        }
        else
        {
            try
            {
                await context.Notes.WriteLineAsync($"setup: {options.Concurrency} users, 1 chat with {options.Limit} messages").ConfigureAwait(false);
                tokens = await context.CreateUsersAsync(api, "h", options.Concurrency, ct).ConfigureAwait(false);
                uri = await api.CreateChatAsync(tokens[0], ct).ConfigureAwait(false);
                await context.ForEachAsync(tokens.Length - 1, i => api.JoinChatAsync(tokens[i + 1], uri, ct), ct).ConfigureAwait(false);
                for (var i = 0; i < options.Limit; i++)
                {
                    await api.PostMessageAsync(tokens[0], uri, Frames.Payload(0, 0, i, options.Size), $"fill-{i}", ct).ConfigureAwait(false);
                }
            }
            catch (BenchException ex) when (Throttling.IsThrottled(ex))
            {
                throw Throttling.Stop("during setup");
            }
        }

        var result = new BenchResult("http")
            .Text("target", "target", target.Peer ? "peer" : "chatire")
            .Count("concurrency", "connections", options.Concurrency)
            .Count("history_limit", "history page", options.Limit, "messages");
        long errors = 0;
        long refused = 0;
        var throttledEarly = false;
        string? firstError = null;
        var totalSeconds = 0.0;
        foreach (var operation in options.Operation == "both" ? ["read", "post"] : new[] { options.Operation })
        {
            var read = operation == "read";
            var latency = new LatencyHistogram();
            long answered = 0;
            var readRequests = tokens.Select(t => HttpLoad.Request(target, "GET", $"/api/chats/{uri}/messages/?limit={options.Limit}", t)).ToArray();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stop.CancelAfter(options.Duration);
            var started = Stopwatch.GetTimestamp();
            var cpu = new CpuMeter(target.ServerPid);
            using var load = new HttpLoad(target, options.Concurrency);
            await using (new ProgressBar(context.Terminal, operation, options.Duration, () => $"{Volatile.Read(ref answered):N0} requests ({Volatile.Read(ref answered) / Stopwatch.GetElapsedTime(started).TotalSeconds:N0}/s)"))
            {
                await Task.Factory.StartNew(() => load.Run(
                    (connection, seq) => read
                        ? readRequests[connection]
                        : PostRequest(target, tokens[connection], uri, Frames.Payload(Stopwatch.GetTimestamp(), connection, seq, options.Size), string.Create(CultureInfo.InvariantCulture, $"h{connection}-{seq}")),
                    (connection, status, body, ticks) =>
                    {
                        latency.RecordTicks(ticks);
                        Volatile.Write(ref answered, answered + 1);
                        if (read)
                        {
                            Expect("reading history", status, body, 200);
                            if (CountMessages(body) is var count && count != options.Limit)
                            {
                                throw new BenchException($"reading history returned {count} messages, not {options.Limit}.");
                            }
                        }
                        else if (status == 429)
                        {
                            // Refused by the rate limit, not stored. Early on, the limit is all a run would measure.
                            Interlocked.Increment(ref refused);
                            if (Stopwatch.GetElapsedTime(started) < Throttling.EarlyWindow)
                            {
                                Volatile.Write(ref throttledEarly, true);
                                stop.Cancel();
                            }
                        }
                        else
                        {
                            Expect("posting a message", status, body, 200);
                        }
                    },
                    message =>
                    {
                        errors++;
                        firstError ??= message;
                    },
                    stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            totalSeconds += seconds;
            var label = read ? "history reads" : "posts";
            result.Count(operation + "_requests", label, latency.Count)
                .Number(operation + "_requests_per_sec", label + "/s", latency.Count / seconds)
                .Latency(operation + "_", label, latency);
            cpu.AddTo(result, operation + "_");
        }

        if (Volatile.Read(ref throttledEarly))
        {
            throw Throttling.Stop("in the first second");
        }

        result.Number("duration_s", "duration", totalSeconds, "s")
            .Count("refused", "posts refused (rate limit)", Interlocked.Read(ref refused))
            .MustBeZero("errors", "errors", errors);
        if (firstError is not null)
        {
            result.Text("first_error", "first error", firstError);
        }

        return result;
    }

    private static byte[] PostRequest(BenchTarget target, string token, string uri, string text, string clientId) =>
        HttpLoad.Request(target, "POST", $"/api/chats/{uri}/messages/", token, BenchApi.JsonObject(w =>
        {
            w.WriteString("message", text);
            w.WriteString("client_id", clientId);
        }));

    private static void Expect(string what, int status, ReadOnlySpan<byte> body, int expected)
    {
        if (status != expected)
        {
            var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]);
            throw new BenchException($"{what} failed: {status} {text}");
        }
    }

    /// <summary>The length of the answer's "messages" array.</summary>
    private static int CountMessages(ReadOnlySpan<byte> json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType != System.Text.Json.JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                }

                return count;
            }
        }

        return -1;
    }
}
