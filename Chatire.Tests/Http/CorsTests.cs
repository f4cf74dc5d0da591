using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Http;

public sealed class CorsTests
{
    private const string Allowed = "https://chat.example.com";
    private const string Denied = "https://evil.example.net";

    private static Task<ApiClient.Reply> Preflight(TestServer server, string origin, string path = "/auth/jwt/create/") =>
        server.Api.SendAsync(HttpMethod.Options, path, headers: new Dictionary<string, string>
        {
            ["Origin"] = origin,
            ["Access-Control-Request-Method"] = "POST",
            ["Access-Control-Request-Headers"] = "authorization, content-type",
        });

    private static Task<ApiClient.Reply> GetWithOrigin(TestServer server, string path, string origin) =>
        server.Api.SendAsync(HttpMethod.Get, path, headers: new Dictionary<string, string> { ["Origin"] = origin });

    [Fact]
    public async Task Preflight_AllowedOrigin_Returns204WithCorsHeaders()
    {
        await using var server = await TestServer.StartAsync(s => s with { CorsOrigins = [Allowed, "http://other.example"] });

        var reply = await Preflight(server, Allowed);

        Assert.Equal(204, reply.Code);
        Assert.Equal(Allowed, reply.Header("Access-Control-Allow-Origin"));
        Assert.Equal("Origin", reply.Header("Vary"));
        Assert.Equal("GET, POST, PUT, PATCH, DELETE, OPTIONS", reply.Header("Access-Control-Allow-Methods"));
        Assert.Equal("Authorization, Content-Type, X-Requested-With, Accept, X-Request-Id", reply.Header("Access-Control-Allow-Headers"));
        Assert.Equal("86400", reply.Header("Access-Control-Max-Age"));
        Assert.Equal("", reply.Text);
    }

    [Fact]
    public async Task Preflight_AnyPath_Returns204()
    {
        await using var server = await TestServer.StartAsync(s => s with { CorsOrigins = [Allowed] });

        var reply = await Preflight(server, Allowed, "/no/such/path");

        Assert.Equal(204, reply.Code);
        Assert.Equal(Allowed, reply.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_DeniedOrigin_Returns204WithoutCorsHeaders()
    {
        await using var server = await TestServer.StartAsync(s => s with { CorsOrigins = [Allowed] });

        var reply = await Preflight(server, Denied);

        Assert.Equal(204, reply.Code);
        Assert.DoesNotContain(reply.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Request_AllowedOrigin_GetsCorsHeadersOnErrorsToo()
    {
        await using var server = await TestServer.StartAsync(s => s with { CorsOrigins = [Allowed] });

        var ok = await GetWithOrigin(server, "/health", Allowed);
        var unauthorized = await GetWithOrigin(server, "/auth/users/me/", Allowed);

        foreach (var reply in new[] { ok, unauthorized })
        {
            Assert.Equal(Allowed, reply.Header("Access-Control-Allow-Origin"));
            Assert.Equal("Origin", reply.Header("Vary"));
            Assert.Equal("Retry-After, WWW-Authenticate, X-Request-Id", reply.Header("Access-Control-Expose-Headers"));
        }

        Assert.Equal(401, unauthorized.Code);
    }

    [Fact]
    public async Task Request_DeniedOrigin_IsServedWithoutCorsHeaders()
    {
        await using var server = await TestServer.StartAsync(s => s with { CorsOrigins = [Allowed] });

        var reply = await GetWithOrigin(server, "/health", Denied);

        Assert.Equal(200, reply.Code);
        Assert.DoesNotContain(reply.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Request_StarConfigured_AnswersStarWithoutVary()
    {
        await using var server = await TestServer.StartAsync(s => s with { CorsOrigins = ["*"] });

        var reply = await GetWithOrigin(server, "/health", Denied);
        var preflight = await Preflight(server, Denied);

        Assert.Equal("*", reply.Header("Access-Control-Allow-Origin"));
        Assert.Null(reply.Header("Vary"));
        Assert.Equal("*", preflight.Header("Access-Control-Allow-Origin"));
        Assert.Equal("86400", preflight.Header("Access-Control-Max-Age"));
    }

    [Fact]
    public async Task Request_DefaultSettings_AllowOwnOriginOnly()
    {
        await using var server = await TestServer.StartAsync();
        var own = $"http://127.0.0.1:{server.Server.Port}";

        var ownReply = await GetWithOrigin(server, "/health", own);
        var otherReply = await GetWithOrigin(server, "/health", Allowed);

        Assert.Equal(own, ownReply.Header("Access-Control-Allow-Origin"));
        Assert.Null(otherReply.Header("Access-Control-Allow-Origin"));
    }
}
