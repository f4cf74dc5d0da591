using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Seeds;

/// <summary>Conduit's client ("Building a Production Ready Django JSON API", RealWorld's user API), as it
/// calls the server: {"user": ...} envelopes, login by email, <c>Authorization: Token &lt;user.token&gt;</c>.</summary>
public sealed class ConduitTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string NotFound = "{\"errors\":{\"error\":[\"A user with this email and password was not found.\"]}}";

    private ApiClient Api => shared.Api;

    private static JsonObject User(params (string Name, JsonNode? Value)[] fields) => Json(("user", Json(fields)));

    private static string NewEmail(string name) => name + "@example.com";

    /// <summary>Registers through /api/users/ and returns the answer's user object.</summary>
    private async Task<JsonNode> RegisterAsync(string name, string? email = null)
    {
        var reply = await Api.PostAsync("/api/users/", User(("username", name), ("email", email ?? NewEmail(name)), ("password", DefaultPassword)));
        Assert.True(reply.Code == 201, reply.Text);
        return reply.Body["user"]!;
    }

    private Task<ApiClient.Reply> WithToken(HttpMethod method, string path, string token, JsonNode? body = null) =>
        Api.SendAsync(method, path, body, token, scheme: "Token");

    [Fact]
    public async Task Register_Envelope_Returns201UserWithAccessToken()
    {
        var name = SharedServer.NewName("jake");

        var reply = await Api.PostAsync("/api/users/", User(("username", name), ("email", NewEmail(name)), ("password", DefaultPassword)));

        Assert.Equal(201, reply.Code);
        AssertJsonContentType(reply);
        var user = reply.Body["user"]!;
        Assert.Equal(["email", "username", "token", "bio", "image"], user.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(NewEmail(name), user["email"]!.GetValue<string>());
        Assert.Equal("", user["bio"]!.GetValue<string>());
        Assert.Equal("", user["image"]!.GetValue<string>());
        var token = user["token"]!.GetValue<string>();
        Assert.Equal(name, Jwt.AssertShape(token, "access")["username"]!.GetValue<string>());
        var current = await WithToken(HttpMethod.Get, "/api/user/", token);
        Assert.Equal(200, current.Code);
        Assert.Equal(token, current.Body["user"]!["token"]!.GetValue<string>());
        Assert.Equal(name, current.Body["user"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_ByEmailInOtherCase_ReturnsUserAndAWorkingToken()
    {
        var name = SharedServer.NewName("Mixed");
        await RegisterAsync(name);

        var reply = await Api.PostAsync("/api/users/login", User(("email", NewEmail(name).ToUpperInvariant()), ("password", DefaultPassword)));

        Assert.Equal(200, reply.Code);
        var token = reply.Body["user"]!["token"]!.GetValue<string>();
        Assert.Equal(name, reply.Body["user"]!["username"]!.GetValue<string>());
        Assert.Equal(200, (await WithToken(HttpMethod.Get, "/api/chats/", token)).Code);
    }

    [Fact]
    public async Task Login_WrongPasswordUnknownOrAmbiguousEmail_AllAnsweredAlike()
    {
        var name = SharedServer.NewName();
        await RegisterAsync(name);
        var shared = SharedServer.NewName() + "@example.com";
        // Elsewhere emails are optional and not unique, as in Django: two users may share one.
        await Api.SignUpAsync(SharedServer.NewName(), email: shared);
        await Api.SignUpAsync(SharedServer.NewName(), email: shared);

        var wrong = await Api.PostAsync("/api/users/login/", User(("email", NewEmail(name)), ("password", "wrong-" + DefaultPassword)));
        var unknown = await Api.PostAsync("/api/users/login/", User(("email", "nobody-" + NewEmail(name)), ("password", DefaultPassword)));
        var ambiguous = await Api.PostAsync("/api/users/login/", User(("email", shared), ("password", DefaultPassword)));

        foreach (var reply in new[] { wrong, unknown, ambiguous })
        {
            Assert.Equal(400, reply.Code);
            Assert.Equal(NotFound, reply.Text);
        }
    }

    [Fact]
    public async Task Errors_OnConduitPaths_AreUnderErrors()
    {
        var name = SharedServer.NewName();
        await RegisterAsync(name);

        var missingEnvelope = await Api.PostAsync("/api/users/", Json(("username", "x")));
        var form = await Api.PostAsync("/api/users/login/", Form(("email", NewEmail(name)), ("password", DefaultPassword)));
        var parse = await Api.PostAsync("/api/users/login/", "{\"user\":");
        var fields = await Api.PostAsync("/api/users/", User(("username", name), ("email", "not-an-email"), ("password", "short")));
        var missing = await Api.PostAsync("/api/users/login/", User(("email", NewEmail(name))));

        Assert.Equal("{\"errors\":{\"user\":[\"This field is required.\"]}}", missingEnvelope.Text);
        Assert.Equal("{\"errors\":{\"user\":[\"This field is required.\"]}}", form.Text);
        Assert.Equal(400, parse.Code);
        Assert.StartsWith("JSON parse error - ", parse.Body["errors"]!["error"]![0]!.GetValue<string>());
        Assert.Equal(400, fields.Code);
        var errors = fields.Body["errors"]!.AsObject();
        Assert.Equal("A user with that username already exists.", errors["username"]![0]!.GetValue<string>());
        Assert.Equal("Enter a valid email address.", errors["email"]![0]!.GetValue<string>());
        Assert.NotNull(errors["password"]);
        Assert.Equal("{\"errors\":{\"password\":[\"This field is required.\"]}}", missing.Text);
    }

    [Fact]
    public async Task Errors_OtherStatuses_StayDetail_AndOtherPathsKeepTheirShape()
    {
        var anonymous = await Api.GetAsync("/api/user/");
        var badToken = await WithToken(HttpMethod.Get, "/api/user/", "not-a-token");
        var djoser = await Api.PostAsync("/auth/users/", Json(("username", "")));

        Assert.Equal(401, anonymous.Code);
        Assert.Equal("Authentication credentials were not provided.", anonymous.Body["detail"]!.GetValue<string>());
        Assert.Equal("token_not_valid", badToken.Body["code"]!.GetValue<string>());
        Assert.Equal("{\"password\":[\"This field is required.\"]}", djoser.Text);
    }

    [Fact]
    public async Task Register_EmailOfAnotherUser_Refused_OnlyOnConduitPaths()
    {
        var name = SharedServer.NewName();
        await RegisterAsync(name);

        var conduit = await Api.PostAsync("/api/users/", User(("username", SharedServer.NewName()), ("email", NewEmail(name).ToUpperInvariant()), ("password", DefaultPassword)));
        var djoser = await Api.PostAsync("/auth/users/", Json(("username", SharedServer.NewName()), ("email", NewEmail(name)), ("password", DefaultPassword)));
        var blank = await Api.PostAsync("/api/users/", User(("username", SharedServer.NewName()), ("email", ""), ("password", DefaultPassword)));

        Assert.Equal("{\"errors\":{\"email\":[\"A user with that email already exists.\"]}}", conduit.Text);
        Assert.Equal(201, djoser.Code);
        Assert.Equal("{\"errors\":{\"email\":[\"This field may not be blank.\"]}}", blank.Text);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task Update_ProfileFields_StoredAndAnsweredWithTheCallingToken(string method)
    {
        var name = SharedServer.NewName();
        var token = (await RegisterAsync(name))["token"]!.GetValue<string>();
        var renamed = SharedServer.NewName("renamed");

        var reply = await WithToken(new HttpMethod(method), "/api/user/", token,
            User(("bio", "I like to skateboard"), ("image", "https://i.stack.imgur.com/xHWG8.jpg"), ("username", renamed), ("email", NewEmail(renamed))));

        Assert.Equal(200, reply.Code);
        var user = reply.Body["user"]!;
        Assert.Equal("I like to skateboard", user["bio"]!.GetValue<string>());
        Assert.Equal("https://i.stack.imgur.com/xHWG8.jpg", user["image"]!.GetValue<string>());
        Assert.Equal(renamed, user["username"]!.GetValue<string>());
        Assert.Equal(token, user["token"]!.GetValue<string>());
        // A token's claims are those at issue time; the rename does not end it.
        var again = await WithToken(HttpMethod.Get, "/api/user/", token);
        Assert.Equal(200, again.Code);
        Assert.Equal(NewEmail(renamed), again.Body["user"]!["email"]!.GetValue<string>());
        Assert.Equal(name, Jwt.Payload(token)["username"]!.GetValue<string>());
        Assert.Equal(200, (await Api.PostAsync("/api/users/login/", User(("email", NewEmail(renamed)), ("password", DefaultPassword)))).Code);
    }

    [Fact]
    public async Task Update_InvalidFields_Refused_NothingStored()
    {
        var name = SharedServer.NewName();
        var other = SharedServer.NewName();
        var token = (await RegisterAsync(name))["token"]!.GetValue<string>();
        await RegisterAsync(other);

        var image = await WithToken(HttpMethod.Put, "/api/user/", token, User(("image", "javascript:alert(1)")));
        var bio = await WithToken(HttpMethod.Put, "/api/user/", token, User(("bio", new string('b', 1001))));
        var taken = await WithToken(HttpMethod.Patch, "/api/user/", token, User(("email", NewEmail(other)), ("username", other.ToUpperInvariant())));
        var noEnvelope = await WithToken(HttpMethod.Patch, "/api/user/", token, Json(("bio", "x")));

        Assert.Equal("{\"errors\":{\"image\":[\"Enter a valid URL.\"]}}", image.Text);
        Assert.Equal("{\"errors\":{\"bio\":[\"Ensure this field has no more than 1000 characters.\"]}}", bio.Text);
        Assert.Equal("{\"errors\":{\"username\":[\"A user with that username already exists.\"],\"email\":[\"A user with that email already exists.\"]}}", taken.Text);
        Assert.Equal("{\"errors\":{\"user\":[\"This field is required.\"]}}", noEnvelope.Text);
        var user = (await WithToken(HttpMethod.Get, "/api/user/", token)).Body["user"]!;
        Assert.Equal(name, user["username"]!.GetValue<string>());
        Assert.Equal("", user["bio"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_UserWhoseEmailIsShared_CanStillChangeTheRest()
    {
        var name = SharedServer.NewName();
        var email = NewEmail(name);
        // djoser's sign-up allows a shared email; Conduit's login cannot tell the two apart, its other paths can.
        await Api.SignUpAsync(name, email: email);
        await Api.SignUpAsync(SharedServer.NewName(), email: email);
        var (token, _) = await Api.LoginAsync(name);

        var bio = await WithToken(HttpMethod.Patch, "/api/user/", token, User(("bio", "still me"), ("email", email.ToUpperInvariant())));

        Assert.Equal(200, bio.Code);
        Assert.Equal("still me", bio.Body["user"]!["bio"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_Password_RevokesOtherTokensKeepsTheCallingOne()
    {
        var name = SharedServer.NewName();
        var token = (await RegisterAsync(name))["token"]!.GetValue<string>();
        var other = (await Api.PostAsync("/api/users/login/", User(("email", NewEmail(name)), ("password", DefaultPassword)))).Body["user"]!["token"]!.GetValue<string>();
        var (jwtAccess, jwtRefresh) = await Api.LoginAsync(name);

        var reply = await WithToken(HttpMethod.Put, "/api/user/", token, User(("password", "a-new-" + DefaultPassword)));

        Assert.Equal(200, reply.Code);
        Assert.Equal(200, (await WithToken(HttpMethod.Get, "/api/user/", token)).Code);
        Assert.Equal(401, (await WithToken(HttpMethod.Get, "/api/user/", other)).Code);
        Assert.Equal(401, (await Api.GetAsync("/auth/me/", jwtAccess)).Code);
        Assert.Equal(401, (await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", jwtRefresh)))).Code);
        Assert.Equal(NotFound, (await Api.PostAsync("/api/users/login/", User(("email", NewEmail(name)), ("password", DefaultPassword)))).Text);
        Assert.Equal(200, (await Api.PostAsync("/api/users/login/", User(("email", NewEmail(name)), ("password", "a-new-" + DefaultPassword)))).Code);
    }
}
