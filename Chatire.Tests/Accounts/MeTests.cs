using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Accounts;

public class MeTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ApiClient Api => shared.Api;

    [Theory]
    [InlineData("/auth/users/me/")]
    [InlineData("/auth/me/")]
    public async Task Me_Get_ReturnsCaller(string path)
    {
        var name = SharedServer.NewName();
        var id = await Api.SignUpAsync(name, email: "me@example.com");
        var token = (await Api.LoginAsync(name)).Access;

        var reply = await Api.GetAsync(path, token);

        Assert.Equal(200, reply.Code);
        Assert.Equal($"{{\"id\":{id},\"username\":\"{name}\",\"email\":\"me@example.com\",\"first_name\":\"\",\"last_name\":\"\"}}", reply.Text);
    }

    [Fact]
    public async Task Me_NoToken_Returns401WithWwwAuthenticate()
    {
        var reply = await Api.GetAsync("/auth/users/me/");

        Assert.Equal(401, reply.Code);
        Assert.Equal("{\"detail\":\"Authentication credentials were not provided.\"}", reply.Text);
        Assert.Equal("Bearer realm=\"api\"", reply.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Me_PatchJson_UpdatesProfileAndIgnoresUsernameIdPassword()
    {
        var name = SharedServer.NewName();
        var token = await Api.SignUpAndLoginAsync(name);

        var reply = await Api.PatchAsync("/auth/users/me/", Json(("email", "new@example.com"), ("first_name", "Ada"), ("username", "hacker"), ("id", 999), ("password", "x")), token);

        Assert.Equal(200, reply.Code);
        Assert.Equal(name, reply.Body["username"]!.GetValue<string>());
        Assert.Equal("new@example.com", reply.Body["email"]!.GetValue<string>());
        Assert.Equal("Ada", reply.Body["first_name"]!.GetValue<string>());
        Assert.NotEqual(999, reply.Body["id"]!.GetValue<long>());
        var again = await Api.GetAsync("/auth/me/", token);
        Assert.Equal(reply.Text, again.Text);
        Assert.Equal(200, (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Code);
    }

    [Fact]
    public async Task Me_PutForm_UpdatesGivenFieldsOnly()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());
        await Api.PatchAsync("/auth/me/", Json(("first_name", "Ada")), token);

        var reply = await Api.SendAsync(HttpMethod.Put, "/auth/me", Form(("last_name", "Lovelace")), token);

        Assert.Equal(200, reply.Code);
        Assert.Equal("Ada", reply.Body["first_name"]!.GetValue<string>());
        Assert.Equal("Lovelace", reply.Body["last_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Me_PatchInvalidEmail_Returns400()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.PatchAsync("/auth/users/me/", Json(("email", "@nope")), token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"email\":[\"Enter a valid email address.\"]}", reply.Text);
    }

    [Fact]
    public async Task Me_DeleteWithoutPassword_Returns400Required()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.SendAsync(HttpMethod.Delete, "/auth/users/me/", null, token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"current_password\":[\"This field is required.\"]}", reply.Text);
    }

    [Fact]
    public async Task Me_DeleteWrongPassword_Returns400InvalidPassword()
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.SendAsync(HttpMethod.Delete, "/auth/users/me/", Json(("current_password", "wrong-password")), token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"current_password\":[\"Invalid password.\"]}", reply.Text);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", token)).Code);
    }

    [Fact]
    public async Task Me_Delete_DeactivatesKeepsAccountAndRevokesEveryToken()
    {
        var name = SharedServer.NewName();
        var id = await Api.SignUpAsync(name);
        var (access, refresh) = await Api.LoginAsync(name);
        var authToken = (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();

        var reply = await Api.SendAsync(HttpMethod.Delete, "/auth/users/me", Form(("current_password", DefaultPassword)), access);

        Assert.Equal(204, reply.Code);
        Assert.Equal("", reply.Text);
        foreach (var token in new[] { access, authToken })
        {
            var after = await Api.GetAsync("/auth/me/", token);
            Assert.Equal(401, after.Code);
            Assert.Equal("token_not_valid", after.Body["code"]!.GetValue<string>());
        }

        Assert.Equal(401, (await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)))).Code);
        var login = await Api.PostAsync("/auth/jwt/create/", Json(("username", name), ("password", DefaultPassword)));
        Assert.Equal(400, login.Code);
        Assert.Equal("{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}", login.Text);
        var stored = shared.Server.Server.Users.FindById(id);
        Assert.NotNull(stored);
        Assert.False(stored.IsActive);
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class MeOnPostgresTests(SharedPostgresServer shared) : MeTests(shared), IClassFixture<SharedPostgresServer>;
