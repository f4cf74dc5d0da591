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
        if (target.BaseUrl.Scheme != "http")
        {
            throw new BenchException("The http scenario speaks plain HTTP/1.1 over keep-alive connections; point it at an http:// address.");
        }

        using var api = new BenchApi(target, Math.Max(context.SetupConcurrency, options.Concurrency));
        await context.Notes.WriteLineAsync($"setup: {options.Concurrency} users, 1 chat with {options.Limit} messages").ConfigureAwait(false);
        var tokens = await context.CreateUsersAsync(api, "h", options.Concurrency, ct).ConfigureAwait(false);
        var uri = await api.CreateChatAsync(tokens[0], ct).ConfigureAwait(false);
        await context.ForEachAsync(tokens.Length - 1, i => api.JoinChatAsync(tokens[i + 1], uri, ct), ct).ConfigureAwait(false);
        for (var i = 0; i < options.Limit; i++)
        {
            await api.PostMessageAsync(tokens[0], uri, Frames.Payload(0, 0, i, options.Size), $"fill-{i}", ct).ConfigureAwait(false);
        }

        var result = new BenchResult("http")
            .Text("target", "target", "chatire")
            .Count("concurrency", "connections", options.Concurrency)
            .Count("history_limit", "history page", options.Limit, "messages");
        long errors = 0;
        string? firstError = null;
        var totalSeconds = 0.0;
        foreach (var operation in options.Operation == "both" ? ["read", "post"] : new[] { options.Operation })
        {
            var read = operation == "read";
            var histograms = new LatencyHistogram[options.Concurrency];
            var counts = new long[options.Concurrency];
            using var stop = new CancellationTokenSource(options.Duration);
            var started = Stopwatch.GetTimestamp();
            var cpu = new CpuMeter(target.ServerPid);
            await using (new ProgressBar(context.Terminal, operation, options.Duration, () => $"{counts.Sum():N0} requests ({counts.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds:N0}/s)"))
            {
                await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(loop => Task.Run(async () =>
                {
                    var histogram = histograms[loop] = new LatencyHistogram();
                    var seq = 0L;
                    using var connection = new RawHttpConnection(target);
                    var readRequest = RawHttpConnection.Request(target, "GET", $"/api/chats/{uri}/messages/?limit={options.Limit}", tokens[loop]);
                    while (!stop.IsCancellationRequested)
                    {
                        var begin = Stopwatch.GetTimestamp();
                        try
                        {
                            if (read)
                            {
                                var (status, body) = await connection.SendAsync(readRequest, ct).ConfigureAwait(false);
                                Expect("reading history", status, body, 200);
                                if (CountMessages(body.Span) != options.Limit)
                                {
                                    throw new BenchException($"reading history returned {CountMessages(body.Span)} messages, not {options.Limit}.");
                                }
                            }
                            else
                            {
                                var s = seq++;
                                var (status, body) = await connection.SendAsync(PostRequest(target, tokens[loop], uri, Frames.Payload(begin, loop, s, options.Size),
                                    string.Create(CultureInfo.InvariantCulture, $"h{loop}-{s}")), ct).ConfigureAwait(false);
                                Expect("posting a message", status, body, 200);
                            }

                            histogram.RecordTicks(Stopwatch.GetTimestamp() - begin);
                            Volatile.Write(ref counts[loop], counts[loop] + 1);
                        }
                        catch (BenchException ex)
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, ex.Message, null);
                        }
                    }
                }, CancellationToken.None))).ConfigureAwait(false);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            totalSeconds += seconds;
            var latency = new LatencyHistogram();
            foreach (var histogram in histograms)
            {
                latency.Merge(histogram);
            }

            var label = read ? "history reads" : "posts";
            result.Count(operation + "_requests", label, latency.Count)
                .Number(operation + "_requests_per_sec", label + "/s", latency.Count / seconds)
                .Latency(operation + "_", label, latency);
            cpu.AddTo(result, operation + "_");
        }

        result.Number("duration_s", "duration", totalSeconds, "s").MustBeZero("errors", "errors", errors);
        if (firstError is not null)
        {
            result.Text("first_error", "first error", firstError);
        }

        return result;
    }

    private static byte[] PostRequest(BenchTarget target, string token, string uri, string text, string clientId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("message", text);
            writer.WriteString("client_id", clientId);
            writer.WriteEndObject();
        }

        return RawHttpConnection.Request(target, "POST", $"/api/chats/{uri}/messages/", token, System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void Expect(string what, int status, ReadOnlyMemory<byte> body, int expected)
    {
        if (status != expected)
        {
            var text = System.Text.Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, 300)]);
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
