using System.Text.Json;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Bench;

/// <summary>Regression: against a server with the default message rate, <c>bench fanout</c> counted the
/// posts the server refused (429) as lost deliveries. Lost means stored and not delivered.</summary>
public sealed class BenchThrottlingTests
{
    [Theory]
    [InlineData("fanout", "--subscribers", "2")]
    [InlineData("fanout", "--subscribers", "2", "--via", "http")]
    [InlineData("reconnect", "--subscribers", "2")]
    public async Task Bench_AgainstDefaultMessageRate_StopsWithTheServerFlagAndExit2(params string[] args)
    {
        // The server's built-in limits: 10 messages per second, bursts of 20.
        await using var server = await TestServer.StartAsync(s => s with { LogLevel = "warning" });

        var result = await CliRunner.RunAsync(["bench", .. args, "--duration", "3s", "--url", Url(server), "--json"]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.Out}\n{result.Error}");
        Assert.Contains("--message-rate 0", result.Error);
        Assert.Single(result.Error.Split('\n'), l => l.Contains("--message-rate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fanout_RefusedAfterTheFirstSecond_CountsRefusedNotLost()
    {
        // The test clock stands still, so the bucket does not refill by itself: the first 200 posts are
        // stored and the next refused (about 1.3 s in at 150 per second). Once a refusal has been
        // answered the clock jumps and posts are stored again, so each lane's sequence has a gap of
        // refused posts in its middle, which the old accounting counted as lost.
        await using var server = await TestServer.StartAsync(s => s with { LogLevel = "warning", MessageRate = 1, MessageBurst = 200 });
        var refill = Task.Run(async () =>
        {
            if (await server.Logs.WaitForAsync(l => l.Contains("/messages/", StringComparison.Ordinal) && l.Contains(" 429 ", StringComparison.Ordinal), TimeSpan.FromSeconds(20)))
            {
                server.Clock.Advance(TimeSpan.FromSeconds(1000));
            }
        });

        var result = await CliRunner.RunAsync(["bench", "fanout", "--subscribers", "2", "--via", "http", "--window", "4", "--rate", "150", "--duration", "3s", "--url", Url(server), "--json"]);
        await refill;

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Out}\n{result.Error}");
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        var stored = root.GetProperty("messages").GetInt64();
        Assert.True(stored > 200, result.Out);
        Assert.True(root.GetProperty("refused").GetInt64() > 0, result.Out);
        Assert.Equal(0, root.GetProperty("lost").GetInt64());
        Assert.Equal(stored * 2, root.GetProperty("deliveries").GetInt64());
        Assert.True(root.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Fanout_NoRateLimit_ReportsLostZero()
    {
        await using var server = await TestServer.StartAsync(s => s with { LogLevel = "warning", MessageRate = 0 });

        var result = await CliRunner.RunAsync(["bench", "fanout", "--subscribers", "3", "--duration", "1s", "--url", Url(server), "--json"]);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Out}\n{result.Error}");
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(0, json.RootElement.GetProperty("lost").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("refused").GetInt64());
    }

    private static string Url(TestServer server) => server.BaseAddress.ToString().TrimEnd('/');
}
