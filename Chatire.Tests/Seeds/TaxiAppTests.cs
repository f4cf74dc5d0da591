using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Seeds;

/// <summary>The taxi app's client ("Developing a Real-Time Taxi App with Django Channels"), as it calls the
/// server: sign up with two passwords, log in, read the user from the access token, refresh.</summary>
public sealed class TaxiAppTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ApiClient Api => shared.Api;

    private static JsonObject SignUpBody(string username, string password1 = DefaultPassword, string password2 = DefaultPassword) =>
        Json(("username", username), ("password1", password1), ("password2", password2), ("first_name", "Test"), ("last_name", "User"));

    [Fact]
    public async Task SignUp_TwoMatchingPasswords_Returns201WithTaxiUserFields()
    {
        var name = SharedServer.NewName("rider");

        var reply = await Api.PostAsync("/api/sign_up/", SignUpBody(name));

        Assert.Equal(201, reply.Code);
        AssertJsonContentType(reply);
        Assert.Equal(["id", "username", "first_name", "last_name"], reply.Body.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(name, reply.Body["username"]!.GetValue<string>());
        Assert.Equal("Test", reply.Body["first_name"]!.GetValue<string>());
        Assert.Equal("User", reply.Body["last_name"]!.GetValue<string>());
        Assert.True(reply.Body["id"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task SignUp_PasswordsDiffer_Returns400PasswordsMustMatch()
    {
        var reply = await Api.PostAsync("/api/sign_up", SignUpBody(SharedServer.NewName(), DefaultPassword, DefaultPassword + "x"));

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"non_field_errors\":[\"Passwords must match.\"]}", reply.Text);
    }

    [Fact]
    public async Task SignUp_WeakPasswordOrMissingField_ErrorsUnderTheTaxiFieldNames()
    {
        var weak = await Api.PostAsync("/api/sign_up/", SignUpBody(SharedServer.NewName(), "12345678", "12345678"));
        var missing = await Api.PostAsync("/api/sign_up/", Form(("username", SharedServer.NewName()), ("password1", DefaultPassword)));

        Assert.Equal(400, weak.Code);
        Assert.Equal("This password is entirely numeric.", weak.Body["password1"]![0]!.GetValue<string>());
        Assert.Equal(400, missing.Code);
        Assert.Equal("{\"password2\":[\"This field is required.\"]}", missing.Text);
    }

    [Theory]
    [InlineData("/api/log_in/")]
    [InlineData("/api/token/")]
    public async Task LogIn_AccessTokenPayload_CarriesTheUser(string path)
    {
        var name = SharedServer.NewName("driver");
        var signUp = await Api.PostAsync("/api/sign_up/", SignUpBody(name));

        var reply = await Api.PostAsync(path, Json(("username", name), ("password", DefaultPassword)));

        // As the taxi app's own test: split the access token, decode its payload, compare the user.
        Assert.Equal(200, reply.Code);
        Assert.Equal(["refresh", "access"], reply.Body.AsObject().Select(p => p.Key).ToArray());
        var access = reply.Body["access"]!.GetValue<string>();
        var payload = Jwt.AssertShape(access, "access");
        Assert.Equal(name, payload["username"]!.GetValue<string>());
        Assert.Equal("Test", payload["first_name"]!.GetValue<string>());
        Assert.Equal("User", payload["last_name"]!.GetValue<string>());
        Assert.Equal(signUp.Body["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), payload["user_id"]!.GetValue<string>());
        Assert.Equal(60 * 60, payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>());
        var refresh = Jwt.AssertShape(reply.Body["refresh"]!.GetValue<string>(), "refresh");
        Assert.Equal(name, refresh["username"]!.GetValue<string>());
        Assert.Equal(200, (await Api.GetAsync("/auth/users/me/", access)).Code);
    }

    [Fact]
    public async Task LogIn_WrongPassword_Returns400LikeTheOtherLoginPaths()
    {
        var name = SharedServer.NewName();
        await Api.PostAsync("/api/sign_up/", SignUpBody(name));

        var reply = await Api.PostAsync("/api/log_in/", Json(("username", name), ("password", "wrong-" + DefaultPassword)));

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}", reply.Text);
    }

    [Fact]
    public async Task TokenPaths_RefreshVerifyBlacklist_WorkAsTheAuthJwtPaths()
    {
        var name = SharedServer.NewName();
        await Api.PostAsync("/api/sign_up/", SignUpBody(name));
        var pair = (await Api.PostAsync("/api/token/", Json(("username", name), ("password", DefaultPassword)))).Body;

        var refreshed = await Api.PostAsync("/api/token/refresh/", Json(("refresh", pair["refresh"]!.GetValue<string>())));
        var access2 = refreshed.Body["access"]!.GetValue<string>();
        var refresh2 = refreshed.Body["refresh"]!.GetValue<string>();
        var verified = await Api.PostAsync("/api/token/verify/", Json(("token", access2)));
        var blacklisted = await Api.PostAsync("/api/token/blacklist/", Json(("refresh", refresh2)));

        Assert.Equal(200, refreshed.Code);
        Assert.Equal(name, Jwt.AssertShape(access2, "access")["username"]!.GetValue<string>());
        Assert.Equal("{}", verified.Text);
        Assert.Equal("{}", blacklisted.Text);
        Assert.Equal("token_not_valid", (await Api.PostAsync("/api/token/verify/", Json(("token", access2)))).Body["code"]!.GetValue<string>());
        Assert.Equal(401, (await Api.GetAsync("/auth/me/", access2)).Code);
    }
}
