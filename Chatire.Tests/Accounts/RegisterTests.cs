using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Accounts;

public class RegisterTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ApiClient Api => shared.Api;

    private static string Name() => SharedServer.NewName();

    [Theory]
    [InlineData("/auth/users/")]
    [InlineData("/auth/users")]
    [InlineData("/auth/users/create/")]
    [InlineData("/auth/users/create")]
    public async Task Register_Json_Returns201UserObject(string path)
    {
        var name = Name();

        var reply = await Api.PostAsync(path, Json(("username", name), ("password", DefaultPassword)));

        Assert.Equal(201, reply.Code);
        AssertJsonContentType(reply);
        var user = reply.Body.AsObject();
        Assert.Equal(["id", "username", "email", "first_name", "last_name"], user.Select(p => p.Key).ToArray());
        Assert.True(user["id"]!.GetValue<long>() > 0);
        Assert.Equal(name, user["username"]!.GetValue<string>());
        Assert.Equal("", user["email"]!.GetValue<string>());
        Assert.Equal("", user["first_name"]!.GetValue<string>());
        Assert.Equal("", user["last_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_FormWithAllFields_Returns201()
    {
        var name = Name();

        var reply = await Api.PostAsync("/auth/users/", Form(("username", name), ("password", DefaultPassword), ("re_password", DefaultPassword),
            ("email", "ann@example.com"), ("first_name", "Ann"), ("last_name", "Lee")));

        Assert.Equal(201, reply.Code);
        Assert.Equal("ann@example.com", reply.Body["email"]!.GetValue<string>());
        Assert.Equal("Ann", reply.Body["first_name"]!.GetValue<string>());
        Assert.Equal("Lee", reply.Body["last_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_UnicodeUsername_IsAccepted()
    {
        var name = "jürgen.ü+" + Guid.NewGuid().ToString("N")[..6];

        var reply = await Api.PostAsync("/auth/users/", Json(("username", name), ("password", DefaultPassword)));

        Assert.Equal(201, reply.Code);
        Assert.Equal(name, reply.Body["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_SameNameOtherCase_Returns400Exists()
    {
        var name = Name();
        await Api.SignUpAsync(name);

        var reply = await Api.PostAsync("/auth/users/", Json(("username", name.ToUpperInvariant()), ("password", DefaultPassword)));

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"username\":[\"A user with that username already exists.\"]}", reply.Text);
    }

    [Fact]
    public async Task Register_MissingFields_Returns400Required()
    {
        var reply = await Api.PostAsync("/auth/users/", Json());

        Assert.Equal(400, reply.Code);
        Assert.Equal("This field is required.", reply.Body["username"]![0]!.GetValue<string>());
        Assert.Equal("This field is required.", reply.Body["password"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_NonStringFields_Returns400NotValidString()
    {
        var reply = await Api.PostAsync("/auth/users/", "{\"username\": 12, \"password\": null, \"email\": []}");

        Assert.Equal(400, reply.Code);
        foreach (var field in new[] { "username", "password", "email" })
        {
            Assert.Equal("Not a valid string.", reply.Body[field]![0]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData(" leading")]
    [InlineData("")]
    public async Task Register_InvalidUsername_Returns400(string username)
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", username), ("password", DefaultPassword)));

        Assert.Equal(400, reply.Code);
        Assert.NotEmpty(reply.Body["username"]!.AsArray());
        Assert.Null(reply.Body["password"]);
    }

    [Fact]
    public async Task Register_UsernameOf151Characters_Returns400()
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", new string('a', 151)), ("password", DefaultPassword)));

        Assert.Equal(400, reply.Code);
        Assert.Equal("Ensure this field has no more than 150 characters.", reply.Body["username"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("short1", "This password is too short. It must contain at least 8 characters.")]
    [InlineData("1234567890", "This password is entirely numeric.")]
    [InlineData("PREFIX", "The password is too similar to the username.")]
    public async Task Register_WeakPassword_Returns400UnderPassword(string password, string message)
    {
        var name = "prefix" + Guid.NewGuid().ToString("N")[..8];

        var reply = await Api.PostAsync("/auth/users/", Json(("username", name), ("password", password == "PREFIX" ? name.ToUpperInvariant() : password)));

        Assert.Equal(400, reply.Code);
        Assert.Contains(message, reply.Body["password"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task Register_PasswordOf129CodePoints_Returns400TooLong()
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", Name()), ("password", string.Concat(Enumerable.Repeat("😀", 129)))));

        Assert.Equal(400, reply.Code);
        Assert.Equal("This password is too long. It must contain at most 128 characters.", reply.Body["password"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_PasswordOf8Emoji_IsAccepted()
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", Name()), ("password", string.Concat(Enumerable.Repeat("😀", 8)))));

        Assert.Equal(201, reply.Code);
    }

    [Fact]
    public async Task Register_RePasswordMismatch_Returns400NonFieldErrors()
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", Name()), ("password", DefaultPassword), ("re_password", DefaultPassword + "x")));

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"non_field_errors\":[\"The two password fields didn't match.\"]}", reply.Text);
    }

    [Fact]
    public async Task Register_InvalidEmail_Returns400()
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", Name()), ("password", DefaultPassword), ("email", "not-an-address")));

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"email\":[\"Enter a valid email address.\"]}", reply.Text);
    }

    [Fact]
    public async Task Register_WithStaleAuthorizationHeader_StillWorks()
    {
        var reply = await Api.SendAsync(HttpMethod.Post, "/auth/users/", Json(("username", Name()), ("password", DefaultPassword)), token: "stale-token", scheme: "JWT");

        Assert.Equal(201, reply.Code);
    }

    [Fact]
    public async Task Register_Closed_Returns403()
    {
        await using var server = await TestServer.StartAsync(s => s with { RegistrationOpen = false }, backend: shared.Backend);

        var reply = await server.Api.PostAsync("/auth/users/", Json(("username", Name()), ("password", DefaultPassword)));

        Assert.Equal(403, reply.Code);
        Assert.NotNull(reply.Body["detail"]);
        Assert.Empty(server.Server.Users.List());
    }

    [Fact]
    public async Task Register_ResponseNeverHasPasswordOrToken()
    {
        var reply = await Api.PostAsync("/auth/users/", Json(("username", Name()), ("password", DefaultPassword)));

        Assert.DoesNotContain("password", reply.Text);
        Assert.DoesNotContain("token", reply.Text);
        Assert.IsType<JsonObject>(reply.Body);
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class RegisterOnPostgresTests(SharedPostgresServer shared) : RegisterTests(shared), IClassFixture<SharedPostgresServer>;
