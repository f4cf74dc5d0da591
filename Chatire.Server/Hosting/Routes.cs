using Chatire.Api;
using Chatire.Configuration;
using Chatire.Http;
using Chatire.Realtime;
using Chatire.Web;
using static Chatire.Http.RoutePolicy;

namespace Chatire.Hosting;

/// <summary>THE route table: every path the server answers, one row each, read top to bottom
/// against shared API.md. Every path also answers without its trailing slash.</summary>
public static class Routes
{
    public static IReadOnlyList<Route> Build(
        ChatireSettings settings, AccountsApi accounts, TokensApi tokens, ConduitApi conduit, ChatsApi chats, WebSocketEndpoint sockets, OpsApi ops, WebClient? web)
    {
        string[] refreshPaths =
        [
            .. (settings.HideDefaultRefresh ? Array.Empty<string>() : ["/auth/jwt/refresh/"]),
            "/api/token/refresh/",
            .. (settings.RefreshPath is { } alias ? [alias] : Array.Empty<string>()),
        ];
        var routes = new List<Route>
        {
            // Accounts (djoser)
            new(["POST"], ["/auth/users/", "/auth/users/create/"], accounts.Register, Anonymous),
            new(["GET", "PUT", "PATCH"], ["/auth/users/me/", "/auth/me/"], accounts.Me, Authenticated),
            new(["DELETE"], ["/auth/users/me/"], accounts.DeleteMe, Authenticated),
            new(["POST"], ["/auth/users/set_password/", "/auth/password/"], accounts.SetPassword, Authenticated),

            // Tokens
            new(["POST"], ["/auth/token/login/", "/auth/token/create/"], tokens.Login, Anonymous),
            new(["POST"], ["/auth/token/logout/", "/auth/token/destroy/"], tokens.Logout, Authenticated),
            new(["POST"], ["/auth/jwt/create/"], tokens.JwtCreate, Anonymous),
            new(["POST"], ["/auth/jwt/verify/", "/api/token/verify/"], tokens.JwtVerify, Anonymous),
            new(["POST"], ["/auth/jwt/blacklist/", "/auth/logout/", "/api/token/blacklist/"], tokens.JwtBlacklist, Anonymous),

            // The taxi app (Simple JWT; its refresh is the row at the end)
            new(["POST"], ["/api/sign_up/"], accounts.TaxiSignUp, Anonymous),
            new(["POST"], ["/api/log_in/", "/api/token/"], tokens.ObtainPair, Anonymous),

            // Conduit (RealWorld's user API; 400s as {"errors": ...})
            new(["POST"], ["/api/users/"], conduit.Register, Anonymous, ErrorStyle.Conduit),
            new(["POST"], ["/api/users/login/"], conduit.Login, Anonymous, ErrorStyle.Conduit),
            new(["GET", "PUT", "PATCH"], ["/api/user/"], conduit.Current, Authenticated, ErrorStyle.Conduit),

            // Chats
            new(["GET"], ["/api/chats/"], chats.List, Authenticated),
            new(["POST"], ["/api/chats/"], chats.Create, Authenticated),
            new(["GET"], ["/api/chats/{uri}/"], chats.Detail, Authenticated),
            new(["PATCH"], ["/api/chats/{uri}/"], chats.Join, Authenticated),
            new(["GET"], ["/api/chats/{uri}/messages/"], chats.History, Authenticated),
            new(["POST"], ["/api/chats/{uri}/messages/"], chats.Post, Authenticated),

            // WebSocket (also on --ws-port)
            new(["GET"], ["/ws/chats/{uri}/", "/{uri:hex15}/"], sockets.Accept, WebSocket),

            // Operations
            new(["GET"], ["/health/"], ops.Health, Anonymous),
            new(["GET"], ["/metrics/"], ops.Metrics, Anonymous),
        };

        if (refreshPaths.Length > 0)
        {
            routes.Add(new(["POST"], refreshPaths, tokens.JwtRefresh, Anonymous));
        }

        if (web is not null)
        {
            routes.Add(new(["GET"], ["/", "/index.html", "/chats/{uri:hex15}/", "/assets/{version}/{file}"], web.Serve, Anonymous));
        }

        return routes;
    }
}
