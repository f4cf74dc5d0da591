using System.Net.WebSockets;
using Chatire.Auth;
using Chatire.Core;
using Chatire.Storage;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Realtime;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Tokens;

/// <summary>JWT-shaped access and refresh tokens: signed, yet the token table stays the only authority.</summary>
public sealed class SignedTokenTests
{
    private static void AssertTokenNotValid(ApiClient.Reply reply)
    {
        Assert.Equal(401, reply.Code);
        Assert.Equal("token_not_valid", reply.Body["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ForgedPayload_OldSignature_RefusedEvenWhenTheTableKnowsIt()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("mallory");
        await server.Api.SignUpAsync("admin");
        var (access, refresh) = await server.Api.LoginAsync("mallory");
        var payload = Jwt.Payload(access);
        payload["username"] = "admin";
        payload["user_id"] = "2";
        var forged = Jwt.WithPayload(access, payload);
        var longerRefresh = Jwt.Payload(refresh);
        longerRefresh["exp"] = longerRefresh["exp"]!.GetValue<long>() + 86_400;
        var forgedRefresh = Jwt.WithPayload(refresh, longerRefresh);
        // Even a row for the forged token's hash does not make it valid: the signature is checked first.
        var admin = server.Server.Users.FindByUsername("admin")!;
        var now = server.Clock.UtcNow;
        await server.Server.Database.WriteAsync(c => TokenStore.Insert(c, TokenService.HashOf(forged), TokenKind.Access, admin.Id, "planted", null, now, now.AddHours(1), now.AddHours(1)));

        AssertTokenNotValid(await server.Api.GetAsync("/auth/me/", forged));
        AssertTokenNotValid(await server.Api.PostAsync("/auth/jwt/verify/", Json(("token", forged))));
        AssertTokenNotValid(await server.Api.PostAsync("/auth/jwt/refresh/", Json(("token", forged))));
        AssertTokenNotValid(await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", forgedRefresh))));
        AssertTokenNotValid(await server.Api.PostAsync("/auth/jwt/blacklist/", Json(("refresh", forgedRefresh))));
        AssertTokenNotValid(await server.Api.GetAsync("/auth/me/", access[..^2] + (access[^2] == 'A' ? "BA" : "AA")));
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(200, (await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)))).Code);
        var (status, _) = await WebSocketClient.TryConnectAsync(server.WebSocketUri($"/ws/chats/0123456789abcde/?token={forged}"));
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task RevokedAccessToken_RefusedAtOnce()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("ann");
        var (access, refresh) = await server.Api.LoginAsync("ann");
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", access)).Code);

        Assert.Equal(200, (await server.Api.PostAsync("/api/token/blacklist/", Json(("refresh", refresh)))).Code);

        // Its signature is still right and its exp still ahead: only the table says no (Simple JWT would accept it).
        Assert.True(Jwt.Payload(access)["exp"]!.GetValue<long>() > server.Clock.UtcNow.ToUnixTimeSeconds());
        AssertTokenNotValid(await server.Api.GetAsync("/auth/me/", access));
    }

    [Fact]
    public async Task RotateKey_EndsEveryPairAndItsSockets_AuthTokensStay()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.RoomAsync();
        var pair = await server.Server.Tokens.CreatePairAsync(room.Member.User.Id);
        await using var socket = await server.ConnectAsync(room.Uri, pair.Access);
        await using var authTokenSocket = await server.ConnectAsync(room.Uri, room.Owner.Token);

        var result = await CliRunner.RunAsync(["token", "rotate-key", "--db", server.DatabasePath]);
        // Another process's change reaches the server once its one-second caches have passed.
        server.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Replaced the token signing key", result.Out);
        Assert.Equal((WebSocketCloseStatus)4401, await socket.WaitForCloseAsync(TimeSpan.FromSeconds(3)));
        AssertTokenNotValid(await server.Api.GetAsync("/auth/me/", pair.Access));
        AssertTokenNotValid(await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", pair.Refresh))));
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", room.Owner.Token)).Code);
        await server.Api.PostMessageAsync(room.Owner.Token, room.Uri, "auth_token sockets stay");
        Assert.Equal("auth_token sockets stay", (await authTokenSocket.ReceiveJsonAsync()).Text("message"));
        var (access, refresh) = await server.Api.LoginAsync("bob");
        Assert.NotEqual(pair.Access.Split('.')[2], access.Split('.')[2]);
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(200, (await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)))).Code);
    }

    [Fact]
    public async Task RotateKey_ReplacesTheSecretInTheDatabase()
    {
        await using var server = await TestServer.StartAsync();
        string Secret() => server.Server.Database.Read(c => SecretStore.Find(c, SecretStore.TokenSigningKey))!;
        var before = Secret();

        var revoked = await server.Server.Tokens.RotateSigningKeyAsync();

        Assert.Equal(0, revoked);
        Assert.Equal(32, Convert.FromBase64String(before).Length);
        Assert.NotEqual(before, Secret());
    }

    [Fact]
    public async Task OpaqueAccessAndRefreshFromBefore_KeepWorkingUntilTheyExpire()
    {
        await using var server = await TestServer.StartAsync();
        var user = (await server.CreateUserAsync("veteran")).User;
        // As the server stored them before tokens were signed: 43 opaque characters, only their hash kept.
        const string access = "oldAccessTokenoldAccessTokenoldAccessTokenA";
        const string refresh = "oldRefreshTokenoldRefreshTokenoldRefreshTok";
        var now = server.Clock.UtcNow;
        await server.Server.Database.WriteAsync(c =>
        {
            TokenStore.Insert(c, TokenService.HashOf(access), TokenKind.Access, user.Id, "old-family", null, now, now.AddMinutes(60), now.AddDays(1));
            TokenStore.Insert(c, TokenService.HashOf(refresh), TokenKind.Refresh, user.Id, "old-family", null, now, now.AddDays(1), now.AddDays(1));
        });

        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(200, (await server.Api.PostAsync("/auth/jwt/verify/", Json(("token", refresh)))).Code);
        var rotated = await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));
        Assert.Equal(200, rotated.Code);
        Assert.Equal("veteran", Jwt.AssertShape(rotated.Body["access"]!.GetValue<string>(), "access")["username"]!.GetValue<string>());

        server.Clock.Advance(TimeSpan.FromMinutes(61));

        AssertTokenNotValid(await server.Api.GetAsync("/auth/me/", access));
    }

    [Fact]
    public async Task Payload_Exp_MatchesTheTable()
    {
        await using var server = await TestServer.StartAsync(s => s with { AccessLifetime = TimeSpan.FromMinutes(5) });
        await server.Api.SignUpAsync("timer");
        var (access, _) = await server.Api.LoginAsync("timer");
        var payload = Jwt.Payload(access);
        var record = server.Server.TokenStore.FindByHash(TokenService.HashOf(access))!;

        Assert.Equal(record.Expires.ToUnixTimeSeconds(), payload["exp"]!.GetValue<long>());
        Assert.Equal(record.Created.ToUnixTimeSeconds(), payload["iat"]!.GetValue<long>());
        Assert.Equal(record.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), payload["user_id"]!.GetValue<string>());
        server.Clock.Advance(TimeSpan.FromMinutes(5));
        AssertTokenNotValid(await server.Api.GetAsync("/auth/me/", access));
    }

    [Fact]
    public async Task Payload_NonAsciiNames_EscapedAndReadBack()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.PostAsync("/auth/users/", Json(("username", "zoë"), ("password", DefaultPassword), ("first_name", "Zoë ~?>~~?"), ("last_name", "Ōtsuka 🚕")));

        var (access, _) = await server.Api.LoginAsync("zoë");

        var payloadPart = access.Split('.')[1];
        var payloadText = System.Text.Encoding.UTF8.GetString(Jwt.FromBase64Url(payloadPart));
        Assert.All(payloadText, c => Assert.True(c < 128));
        // Plain base64 as well (no '-' or '_'), so atob() and b64decode() read it as the tutorials' clients do.
        Assert.DoesNotContain('-', payloadPart);
        Assert.DoesNotContain('_', payloadPart);
        var payload = Jwt.Payload(access);
        Assert.Equal("zoë", payload["username"]!.GetValue<string>());
        Assert.Equal("Zoë ~?>~~?", payload["first_name"]!.GetValue<string>());
        Assert.Equal("Ōtsuka 🚕", payload["last_name"]!.GetValue<string>());
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", access)).Code);
    }
}
