using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Security;

/// <summary>X-Forwarded-For over the real server: every test client is 127.0.0.1, so a trusted 127.0.0.1
/// plays the load balancer.</summary>
public sealed class ForwardedForTests
{
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(10);

    private static async Task<TestServer> StartAsync(string trustedProxies)
    {
        var server = await TestServer.StartAsync(s => s with
        {
            TrustedProxies = trustedProxies.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(System.Net.IPNetwork.Parse).ToList(),
            LoginLimitUserAddress = 10,
            LoginLimitAddress = 50,
            LoginLimitUser = 100,
        });
        await server.Api.SignUpAsync("ann");
        return server;
    }

    private static Task<Reply> Login(TestServer server, string password, string? forwardedFor) =>
        server.Api.SendAsync(HttpMethod.Post, "/auth/token/login/", Json(("username", "ann"), ("password", password)),
            headers: forwardedFor is null ? null : new Dictionary<string, string> { ["X-Forwarded-For"] = forwardedFor });

    private static async Task FailTenTimes(TestServer server, Func<int, string?> forwardedFor)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(400, (await Login(server, "wrong-password", forwardedFor(i))).Code);
        }
    }

    [Fact]
    public async Task TrustedPeer_ThrottlesTheForwardedAddressOnly()
    {
        await using var server = await StartAsync("127.0.0.1/32");

        await FailTenTimes(server, _ => "203.0.113.7");

        Assert.Equal(429, (await Login(server, DefaultPassword, "203.0.113.7")).Code);
        Assert.Equal(200, (await Login(server, DefaultPassword, "203.0.113.8")).Code);
        Assert.Equal(200, (await Login(server, DefaultPassword, null)).Code);
        Assert.Contains(server.Logs.Lines, line => line.Contains("Failed login") && line.Contains("203.0.113.7"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/8,::1/128")]
    public async Task UntrustedPeer_RotatingForwardedFor_IsStillThrottled(string trustedProxies)
    {
        await using var server = await StartAsync(trustedProxies);

        await FailTenTimes(server, i => $"198.51.100.{i}");

        Assert.Equal(429, (await Login(server, DefaultPassword, "198.51.100.200")).Code);
        Assert.Equal(429, (await Login(server, DefaultPassword, null)).Code);
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains("198.51.100."));
    }

    [Fact]
    public async Task MultipleHops_ClientIsRightMostUntrusted_SpoofedLeftPartIgnored()
    {
        await using var server = await StartAsync("127.0.0.1/32,10.0.0.0/8");

        await FailTenTimes(server, i => $"6.6.6.{i}, 203.0.113.7, 10.0.0.{i + 1}");

        Assert.Equal(429, (await Login(server, DefaultPassword, "203.0.113.7")).Code);
        Assert.Equal(429, (await Login(server, DefaultPassword, "203.0.113.7, 10.9.9.9, 10.0.0.1")).Code);
        Assert.Equal(200, (await Login(server, DefaultPassword, "203.0.113.7, 198.51.100.1, 10.0.0.1")).Code);
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains("6.6.6."));
    }

    [Fact]
    public async Task MalformedEntries_FallBackToTheLastTrustedHop()
    {
        await using var server = await StartAsync("127.0.0.1/32");
        string[] malformed = ["garbage", "unknown", "203.0.113.7, not-an-ip", "999.1.1.1", "127.1", "203.0.113.7:", ", ", "[::1", "1.2.3.4.5", "203.0.113.7 203.0.113.8"];

        await FailTenTimes(server, i => malformed[i]);

        Assert.Equal(429, (await Login(server, DefaultPassword, null)).Code);
        Assert.Equal(200, (await Login(server, DefaultPassword, "not-an-ip, 203.0.113.9")).Code);
    }

    [Fact]
    public async Task AccessLog_ShowsForwardedClient_ForRequestsAndWebSocketUpgrades()
    {
        await using var server = await StartAsync("127.0.0.1/32");

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/health"))
        {
            request.Headers.Add("X-Forwarded-For", "203.0.113.21");
            request.Headers.Add("X-Request-Id", "xff-health");
            await server.Http.SendAsync(request);
        }

        var token = await server.Api.SignUpAndLoginAsync("bob");
        var chat = await server.Api.CreateChatAsync(token);
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.22");
        socket.Options.SetRequestHeader("X-Request-Id", "xff-socket");
        await socket.ConnectAsync(server.WebSocketUri($"/ws/chats/{chat}/?token={token}"), CancellationToken.None);
        socket.Abort();
        socket.Dispose();

        Assert.Contains("203.0.113.21", await server.Logs.WaitForLineAsync(line => line.Contains("xff-health"), LogTimeout));
        Assert.Contains("203.0.113.22", await server.Logs.WaitForLineAsync(line => line.Contains("xff-socket"), LogTimeout));
    }
}
