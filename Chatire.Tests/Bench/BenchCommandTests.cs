using System.Text.Json;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Bench;

/// <summary>The server every test of the class loads; each bench run names its own users and chats.</summary>
public sealed class BenchServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public string Url => Server.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync() =>
        Server = await TestServer.StartAsync(s => s with { LogLevel = "warning", MessageRate = 1_000_000, MessageBurst = 1_000_000 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Functional runs of <c>chatire bench</c> at tiny sizes: they must complete and report no
/// loss. No timing is asserted; speed is what scripts/bench/run measures.</summary>
public sealed class BenchCommandTests(BenchServerFixture fixture) : IClassFixture<BenchServerFixture>
{
    [Fact]
    public async Task BenchHelp_ListsEveryScenario()
    {
        var result = await CliRunner.RunAsync(["bench", "--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var scenario in new[] { "fanout", "connections", "http", "logins", "reconnect" })
        {
            Assert.Contains(scenario, result.Out);
        }
    }

    [Fact]
    public async Task Fanout_OverWebSocket_DeliversEveryMessageOnce()
    {
        var json = await RunAsync("fanout", "--chats", "2", "--subscribers", "3", "--publishers", "2", "--duration", "1s");

        Assert.True(json.GetProperty("messages").GetInt64() > 0);
        Assert.Equal(json.GetProperty("messages").GetInt64() * 3, json.GetProperty("deliveries").GetInt64());
        Assert.Equal(0, json.GetProperty("lost").GetInt64());
        Assert.Equal(0, json.GetProperty("duplicated").GetInt64());
        foreach (var field in new[] { "duration_s", "messages_per_sec", "deliveries_per_sec", "p50_ms", "p90_ms", "p99_ms", "max_ms", "generator_cpu_pct" })
        {
            Assert.True(json.TryGetProperty(field, out _), field);
        }

        Assert.Equal("yes", json.GetProperty("batch").GetString());
    }

    [Fact]
    public async Task Fanout_NoBatch_DeliversEveryMessageOnce_OneFramePerMessage()
    {
        var json = await RunAsync("fanout", "--subscribers", "3", "--no-batch", "--duration", "500ms");

        Assert.Equal("no", json.GetProperty("batch").GetString());
        Assert.True(json.GetProperty("messages").GetInt64() > 0);
        Assert.Equal(json.GetProperty("messages").GetInt64() * 3, json.GetProperty("deliveries").GetInt64());
        Assert.Equal(0, json.GetProperty("lost").GetInt64());
    }

    [Fact]
    public async Task Fanout_OverHttpAtRate_DeliversEveryMessageOnce()
    {
        var json = await RunAsync("fanout", "--subscribers", "2", "--via", "http", "--window", "2", "--rate", "200", "--duration", "500ms");

        Assert.True(json.GetProperty("messages").GetInt64() > 0);
        Assert.Equal(0, json.GetProperty("lost").GetInt64());
        Assert.Equal(0, json.GetProperty("duplicated").GetInt64());
    }

    [Fact]
    public async Task Reconnect_WithSince_LosesAndDuplicatesNothing()
    {
        var json = await RunAsync("reconnect", "--subscribers", "3", "--rate", "200", "--interval", "150ms", "--duration", "1s");

        Assert.True(json.GetProperty("reconnects").GetInt64() > 0);
        Assert.Equal(0, json.GetProperty("lost").GetInt64());
        Assert.Equal(0, json.GetProperty("duplicated").GetInt64());
    }

    [Fact]
    public async Task Connections_OpensAndHoldsEverySocket()
    {
        var json = await RunAsync("connections", "--count", "12", "--per-user", "4", "--duration", "100ms");

        Assert.Equal(12, json.GetProperty("opened").GetInt64());
        Assert.Equal(0, json.GetProperty("dropped_while_held").GetInt64());
    }

    [Fact]
    public async Task HttpAndLogins_CompleteWithoutErrors()
    {
        var http = await RunAsync("http", "--concurrency", "2", "--limit", "5", "--duration", "300ms");
        var logins = await RunAsync("logins", "--concurrency", "2", "--users", "2", "--duration", "300ms");

        Assert.True(http.GetProperty("read_requests").GetInt64() > 0);
        Assert.True(http.GetProperty("post_requests").GetInt64() > 0);
        Assert.True(logins.GetProperty("logins").GetInt64() > 0);
    }

    private async Task<JsonElement> RunAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(["bench", .. args, "--url", fixture.Url, "--json"]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Out}\n{result.Error}");
        using var document = JsonDocument.Parse(result.Out);
        Assert.True(document.RootElement.GetProperty("passed").GetBoolean(), result.Out);
        return document.RootElement.Clone();
    }
}
