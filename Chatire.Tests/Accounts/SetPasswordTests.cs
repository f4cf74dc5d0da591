using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Accounts;

public class SetPasswordTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string NewPassword = "another-long-secret";

    private ApiClient Api => shared.Api;

    private async Task<string> AuthTokenAsync(string name, string password = DefaultPassword) =>
        (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", password)))).Body["auth_token"]!.GetValue<string>();

    [Theory]
    [InlineData("/auth/users/set_password/")]
    [InlineData("/auth/password/")]
    [InlineData("/auth/password")]
    public async Task SetPassword_Success_RevokesOtherTokensKeepsCallerAndItsFamily(string path)
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var (access, refresh) = await Api.LoginAsync(name);
        var (otherAccess, otherRefresh) = await Api.LoginAsync(name);
        var otherAuthToken = await AuthTokenAsync(name);

        var reply = await Api.PostAsync(path, Json(("current_password", DefaultPassword), ("new_password", NewPassword), ("re_new_password", NewPassword)), access);

        Assert.Equal(204, reply.Code);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(401, (await Api.GetAsync("/auth/me/", otherAccess)).Code);
        Assert.Equal(401, (await Api.GetAsync("/auth/me/", otherAuthToken)).Code);
        Assert.Equal(401, (await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", otherRefresh)))).Code);
        Assert.Equal(200, (await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)))).Code);
        Assert.Equal(400, (await Api.PostAsync("/auth/jwt/create/", Json(("username", name), ("password", DefaultPassword)))).Code);
        Assert.Equal(200, (await Api.PostAsync("/auth/jwt/create/", Json(("username", name), ("password", NewPassword)))).Code);
    }

    [Fact]
    public async Task SetPassword_WithAuthTokenForm_KeepsOnlyThatToken()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var keep = await AuthTokenAsync(name);
        var other = await AuthTokenAsync(name);

        var reply = await Api.SendAsync(HttpMethod.Post, "/auth/users/set_password", Form(("current_password", DefaultPassword), ("new_password", NewPassword)), keep, "Token");

        Assert.Equal(204, reply.Code);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", keep)).Code);
        Assert.Equal(401, (await Api.GetAsync("/auth/me/", other)).Code);
    }

    [Fact]
    public async Task SetPassword_WrongCurrentPassword_Returns400()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.PostAsync("/auth/users/set_password/", Json(("current_password", "not-it-at-all"), ("new_password", NewPassword)), token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"current_password\":[\"Invalid password.\"]}", reply.Text);
    }

    [Fact]
    public async Task SetPassword_MissingFields_Returns400Required()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.PostAsync("/auth/users/set_password/", Json(), token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"current_password\":[\"This field is required.\"],\"new_password\":[\"This field is required.\"]}", reply.Text);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("987654321")]
    public async Task SetPassword_WeakNewPassword_Returns400UnderNewPassword(string weak)
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.PostAsync("/auth/users/set_password/", Json(("current_password", DefaultPassword), ("new_password", weak)), token);

        Assert.Equal(400, reply.Code);
        Assert.NotEmpty(reply.Body["new_password"]!.AsArray());
        Assert.Null(reply.Body["password"]);
    }

    [Fact]
    public async Task SetPassword_NewPasswordInsideUsername_Returns400()
    {
        var name = "longusername" + Guid.NewGuid().ToString("N")[..8];
        var token = await Api.SignUpAndLoginAsync(name);

        var reply = await Api.PostAsync("/auth/users/set_password/", Json(("current_password", DefaultPassword), ("new_password", name[..10].ToUpperInvariant())), token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("The password is too similar to the username.", reply.Body["new_password"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task SetPassword_ReNewPasswordMismatch_Returns400NonFieldErrors()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.PostAsync("/auth/users/set_password/", Json(("current_password", DefaultPassword), ("new_password", NewPassword), ("re_new_password", NewPassword + "!")), token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"non_field_errors\":[\"The two password fields didn't match.\"]}", reply.Text);
    }

    [Fact]
    public async Task SetPassword_NoToken_Returns401()
    {
        var reply = await Api.PostAsync("/auth/users/set_password/", Json(("current_password", DefaultPassword), ("new_password", NewPassword)));

        Assert.Equal(401, reply.Code);
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class SetPasswordOnPostgresTests(SharedPostgresServer shared) : SetPasswordTests(shared), IClassFixture<SharedPostgresServer>;
