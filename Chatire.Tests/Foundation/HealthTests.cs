using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Foundation;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_FreshDatabase_ReturnsOkJson()
    {
        await using var server = await TestServer.StartAsync();

        var reply = await server.Api.GetAsync("/health");

        Assert.Equal(200, reply.Code);
        Assert.Equal("ok", reply.Body["status"]!.GetValue<string>());
        ApiClient.AssertJsonContentType(reply);
        Assert.NotNull(reply.Header("X-Request-Id"));
        Assert.True(File.Exists(server.DatabasePath));
    }

    [Fact]
    public async Task Health_WithAndWithoutTrailingSlash_BothAnswer()
    {
        await using var server = await TestServer.StartAsync();

        Assert.Equal(200, (await server.Api.GetAsync("/health/")).Code);
        Assert.Equal(200, (await server.Api.GetAsync("/health")).Code);
    }

    [Fact]
    public async Task Health_ClientRequestId_IsEchoed()
    {
        await using var server = await TestServer.StartAsync();

        var reply = await server.Api.SendAsync(HttpMethod.Get, "/health", headers: new Dictionary<string, string> { ["X-Request-Id"] = "abc-123" });

        Assert.Equal("abc-123", reply.Header("X-Request-Id"));
        Assert.Contains(server.Logs.Lines, line => line.Contains("abc-123") && line.Contains("/health"));
    }

    [Fact]
    public async Task RequestIds_Generated_Are32HexDigitsAndUnique()
    {
        await using var server = await TestServer.StartAsync();

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await server.Api.GetAsync("/health")).Header("X-Request-Id")!);
        }

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
