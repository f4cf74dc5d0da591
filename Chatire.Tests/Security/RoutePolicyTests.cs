using Chatire.Http;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Security;

/// <summary>Walks the real route table: every route that is not on the short list of public ones
/// must refuse anonymous callers. A new route without the right policy fails here.</summary>
public sealed class RoutePolicyTests
{
    /// <summary>The only routes anyone may call without a token.</summary>
    private static readonly HashSet<string> PublicRoutes =
    [
        "POST /auth/users/",
        "POST /auth/token/login/",
        "POST /auth/jwt/create/",
        "POST /auth/jwt/verify/",
        "POST /auth/jwt/blacklist/",
        "POST /auth/jwt/refresh/",
        "POST /api/sign_up/",
        "POST /api/log_in/",
        "POST /api/users/",
        "POST /api/users/login/",
        "GET /health/",
        "GET /metrics/",
        "GET /",
    ];

    [Fact]
    public async Task EveryRoute_PolicyIsAuthenticatedUnlessListedPublic()
    {
        await using var server = await TestServer.StartAsync();

        foreach (var route in server.Server.RouteTable)
        {
            foreach (var method in route.Methods)
            {
                var name = $"{method} {route.Template}";
                var expected = PublicRoutes.Contains(name) ? RoutePolicy.Anonymous : route.Policy == RoutePolicy.WebSocket ? RoutePolicy.WebSocket : RoutePolicy.Authenticated;
                Assert.True(route.Policy == expected, $"{name} has policy {route.Policy}, expected {expected}.");
            }
        }
    }

    [Fact]
    public async Task EveryAuthenticatedRoute_AnonymousAndBadToken_Get401()
    {
        await using var server = await TestServer.StartAsync();

        foreach (var route in server.Server.RouteTable.Where(r => r.Policy == RoutePolicy.Authenticated))
        {
            foreach (var method in route.Methods)
            {
                foreach (var pattern in route.Patterns)
                {
                    var path = pattern.Replace("{uri}", "0123456789abcdef"[..15]);
                    var anonymous = await server.Api.SendAsync(new HttpMethod(method), path);
                    var badToken = await server.Api.SendAsync(new HttpMethod(method), path, token: "not-a-token");
                    var unsigned = await server.Api.SendAsync(new HttpMethod(method), path, token: Chatire.Auth.JwtCodec.Header + ".eyJ1c2VyX2lkIjoiMSJ9.c2lnbmF0dXJl");

                    Assert.True(anonymous.Code == 401, $"{method} {path} answered {anonymous.Code} without a token.");
                    Assert.Equal("Authentication credentials were not provided.", anonymous.Body["detail"]!.GetValue<string>());
                    Assert.Equal("Bearer realm=\"api\"", anonymous.Header("WWW-Authenticate"));
                    Assert.True(badToken.Code == 401, $"{method} {path} answered {badToken.Code} to a bad token.");
                    Assert.Equal("token_not_valid", badToken.Body["code"]!.GetValue<string>());
                    Assert.True(unsigned.Code == 401, $"{method} {path} answered {unsigned.Code} to a JWT not signed by this server.");
                    Assert.Equal("token_not_valid", unsigned.Body["code"]!.GetValue<string>());
                }
            }
        }
    }

    [Fact]
    public async Task WebSocketRoutes_WithoutToken_Refused401BeforeUpgrade()
    {
        await using var server = await TestServer.StartAsync();

        foreach (var route in server.Server.RouteTable.Where(r => r.Policy == RoutePolicy.WebSocket))
        {
            foreach (var pattern in route.Patterns)
            {
                var path = pattern.Replace("{uri}", "0123456789abcde").Replace("{uri:hex15}", "0123456789abcde");
                var (status, _) = await WebSocketClient.TryConnectAsync(server.WebSocketUri(path));
                Assert.True(status == 401, $"{path} answered {status} to an anonymous upgrade.");
            }
        }
    }
}
