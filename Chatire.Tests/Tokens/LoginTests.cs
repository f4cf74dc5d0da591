using System.Security.Cryptography;
using System.Text;
using Chatire.Auth;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Tokens;

public class LoginTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string InvalidCredentials = "{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}";

    private ApiClient Api => shared.Api;

    private static void AssertOpaqueToken(string token)
    {
        Assert.Equal(43, token.Length);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Theory]
    [InlineData("/auth/token/login/")]
    [InlineData("/auth/token/login")]
    [InlineData("/auth/token/create/")]
    public async Task TokenLogin_Json_ReturnsAuthToken(string path)
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);

        var reply = await Api.PostAsync(path, Json(("username", name), ("password", DefaultPassword)));

        Assert.Equal(200, reply.Code);
        AssertJsonContentType(reply);
        Assert.Equal(["auth_token"], reply.Body.AsObject().Select(p => p.Key).ToArray());
        var token = reply.Body["auth_token"]!.GetValue<string>();
        AssertOpaqueToken(token);
        Assert.Equal(200, (await Api.SendAsync(HttpMethod.Get, "/auth/users/me/", token: token, scheme: "Token")).Code);
    }

    [Fact]
    public async Task TokenLogin_Form_ReturnsAuthToken()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);

        var reply = await Api.PostAsync("/auth/token/login/", Form(("username", name), ("password", DefaultPassword)));

        Assert.Equal(200, reply.Code);
        AssertOpaqueToken(reply.Body["auth_token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JwtCreate_ReturnsAccessRefreshAndTokenAlias(bool form)
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);

        var reply = await Api.PostAsync("/auth/jwt/create", form ? Form(("username", name), ("password", DefaultPassword)) : Json(("username", name), ("password", DefaultPassword)));

        Assert.Equal(200, reply.Code);
        Assert.Equal(["access", "refresh", "token"], reply.Body.AsObject().Select(p => p.Key).ToArray());
        var access = reply.Body["access"]!.GetValue<string>();
        var refresh = reply.Body["refresh"]!.GetValue<string>();
        Jwt.AssertShape(access, "access");
        Jwt.AssertShape(refresh, "refresh");
        Assert.NotEqual(access, refresh);
        Assert.Equal(access, reply.Body["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_UsernameInOtherCase_Succeeds()
    {
        var name = SharedServer.NewName("Mixed");
        await Api.SignUpAsync(name);

        var reply = await Api.PostAsync("/auth/token/login/", Json(("username", name.ToUpperInvariant()), ("password", DefaultPassword)));

        Assert.Equal(200, reply.Code);
    }

    [Theory]
    [InlineData("/auth/token/login/")]
    [InlineData("/auth/token/create/")]
    [InlineData("/auth/jwt/create/")]
    public async Task Login_UnknownUserWrongPasswordInactiveUser_SameAnswer(string path)
    {
        var name = SharedServer.NewName();
        var inactive = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var inactiveToken = await Api.SignUpAndLoginAsync(inactive);
        await Api.SendAsync(HttpMethod.Delete, "/auth/users/me/", Json(("current_password", DefaultPassword)), inactiveToken);

        var unknown = await Api.PostAsync(path, Json(("username", SharedServer.NewName()), ("password", DefaultPassword)));
        var wrong = await Api.PostAsync(path, Json(("username", name), ("password", "wrong-password")));
        var deactivated = await Api.PostAsync(path, Json(("username", inactive), ("password", DefaultPassword)));

        foreach (var reply in new[] { unknown, wrong, deactivated })
        {
            Assert.Equal(400, reply.Code);
            Assert.Equal(InvalidCredentials, reply.Text);
        }
    }

    [Fact]
    public async Task Login_MissingAndBlankFields_Returns400FieldErrors()
    {
        var missing = await Api.PostAsync("/auth/jwt/create/", Json(("username", "someone")));
        var blank = await Api.PostAsync("/auth/token/login/", Form(("username", ""), ("password", "x")));

        Assert.Equal(400, missing.Code);
        Assert.Equal("{\"password\":[\"This field is required.\"]}", missing.Text);
        Assert.Equal(400, blank.Code);
        Assert.Equal("{\"username\":[\"This field may not be blank.\"]}", blank.Text);
    }

    [Fact]
    public async Task Login_Success_UpdatesLastLogin()
    {
        var name = SharedServer.NewName();
        var id = await Api.SignUpAsync(name);
        Assert.Null(shared.Server.Server.Users.FindById(id)!.LastLogin);

        await Api.LoginAsync(name);

        Assert.NotNull(shared.Server.Server.Users.FindById(id)!.LastLogin);
    }

    [Theory]
    [InlineData("Niaj.1")]
    [InlineData("frank")]
    [InlineData("victor")]
    public async Task Login_HashWrittenByDjango_ReHashedAsBcryptSha256AtTheConfiguredCost(string djangoUser)
    {
        var django = DjangoFixture.HashedUserNamed(djangoUser);
        var name = SharedServer.NewName();
        var users = shared.Server.Server.Users;
        var user = await users.CreateAsync(name, django.PasswordHash, "", "", "", false, "2020-01-01T00:00:00.000Z");

        await Api.LoginAsync(name, django.Password);

        var stored = users.FindById(user!.Id)!.PasswordHash;
        Assert.StartsWith("bcrypt_sha256$$2b$04$", stored);
        Assert.True(shared.Server.Server.Hasher.Verify(django.Password, stored));
        await Api.LoginAsync(name, django.Password);
        Assert.Equal(stored, users.FindById(user.Id)!.PasswordHash);
    }

    [Fact]
    public async Task Login_HashOfUnknownFormat_Refused400AndWarningNamesOnlyTheFormat()
    {
        var name = SharedServer.NewName();
        await shared.Server.Server.Users.CreateAsync(name, "md5$tastysalt$1c8b3a9b4f0e7d2c6a5f4e3d2c1b0a99", "", "", "", false, "2020-01-01T00:00:00.000Z");

        var reply = await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", "whatever-it-was")));

        Assert.Equal(400, reply.Code);
        Assert.Contains(shared.Server.Logs.Lines, l => l.StartsWith("[Warning]", StringComparison.Ordinal) && l.Contains("unknown format \"md5\""));
        Assert.DoesNotContain("tastysalt", shared.Server.Logs.All);
    }

    [Fact]
    public async Task Login_Failure_IsLoggedWithUserAndAddressNeverPassword()
    {
        var name = SharedServer.NewName();
        const string secret = "very-secret-attempt";

        await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", secret)));

        var line = Assert.Single(shared.Server.Logs.Lines, l => l.Contains("Failed login") && l.Contains(name));
        Assert.Contains("127.0.0.1", line);
        Assert.DoesNotContain(secret, shared.Server.Logs.All);
    }

    [Fact]
    public async Task Login_FailureWithNewlineInUsername_StaysOneLogLine()
    {
        var name = SharedServer.NewName() + "\nFailed login for user root from 10.0.0.1";

        await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", "whatever-password")));

        Assert.DoesNotContain(shared.Server.Logs.Lines, l => l.Contains('\n') && l.Contains("Failed login"));
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Token")]
    [InlineData("JWT")]
    [InlineData("bearer")]
    [InlineData("token")]
    [InlineData("jwt")]
    [InlineData("BEARER")]
    public async Task Authorization_EverySchemeAnyCase_AcceptsAccessAndAuthToken(string scheme)
    {
        var name = SharedServer.NewName();
        var access = await Api.SignUpAndLoginAsync(name);
        var authToken = (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();

        foreach (var token in new[] { access, authToken })
        {
            var reply = await Api.SendAsync(HttpMethod.Get, "/auth/users/me/", token: token, scheme: scheme);
            Assert.Equal(200, reply.Code);
        }
    }

    [Fact]
    public async Task Authorization_UnknownToken_Returns401TokenNotValid()
    {
        var reply = await Api.GetAsync("/auth/users/me/", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(401, reply.Code);
        Assert.Equal("token_not_valid", reply.Body["code"]!.GetValue<string>());
        Assert.NotNull(reply.Body["detail"]);
        Assert.Equal("Bearer realm=\"api\"", reply.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Authorization_RefreshTokenAsAccess_Returns401TokenNotValid()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var (_, refresh) = await Api.LoginAsync(name);

        var reply = await Api.GetAsync("/auth/users/me/", refresh);

        Assert.Equal(401, reply.Code);
        Assert.Equal("token_not_valid", reply.Body["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Authorization_OtherScheme_Returns401NotProvided()
    {
        var reply = await Api.SendAsync(HttpMethod.Get, "/auth/users/me/", token: "dXNlcjpwYXNz", scheme: "Basic");

        Assert.Equal(401, reply.Code);
        Assert.Equal("{\"detail\":\"Authentication credentials were not provided.\"}", reply.Text);
    }

    [Fact]
    public async Task Login_WithStaleAuthorizationHeader_StillWorks()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);

        var reply = await Api.SendAsync(HttpMethod.Post, "/auth/jwt/create/", Json(("username", name), ("password", DefaultPassword)), token: "expired-long-ago", scheme: "JWT");

        Assert.Equal(200, reply.Code);
    }

    [Theory]
    [InlineData("/auth/token/logout/")]
    [InlineData("/auth/token/destroy/")]
    public async Task Logout_AuthToken_Returns204AndRevokesIt(string path)
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var token = (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();
        var other = (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();

        var reply = await Api.SendAsync(HttpMethod.Post, path, token: token, scheme: "Token");

        Assert.Equal(204, reply.Code);
        Assert.Equal(401, (await Api.GetAsync("/auth/me/", token)).Code);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", other)).Code);
    }

    [Fact]
    public async Task Logout_AccessToken_RevokesItsFamily()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var (access, refresh) = await Api.LoginAsync(name);

        Assert.Equal(204, (await Api.PostAsync("/auth/token/logout/", null, access)).Code);

        Assert.Equal(401, (await Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(401, (await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)))).Code);
    }

    [Fact]
    public async Task Logout_NoToken_Returns401()
    {
        Assert.Equal(401, (await Api.PostAsync("/auth/token/logout/")).Code);
    }

    [Fact]
    public async Task Tokens_AreStoredOnlyAsSha256()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var (access, refresh) = await Api.LoginAsync(name);

        var stored = shared.Server.Server.TokenStore.FindByHash(SHA256.HashData(Encoding.UTF8.GetBytes(access)));

        Assert.NotNull(stored);
        Assert.NotNull(shared.Server.Server.TokenStore.FindByHash(SHA256.HashData(Encoding.UTF8.GetBytes(refresh))));
        // The serve lock (PID and command only) cannot be opened while the server holds it.
        var files = Directory.GetFiles(shared.Server.Directory).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Select(File.ReadAllBytes).ToList();
        Assert.DoesNotContain(files, bytes => Encoding.Latin1.GetString(bytes).Contains(access, StringComparison.Ordinal));
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class LoginOnPostgresTests(SharedPostgresServer shared) : LoginTests(shared), IClassFixture<SharedPostgresServer>;
