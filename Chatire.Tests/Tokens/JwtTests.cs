using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Tokens;

public class JwtTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ApiClient Api => shared.Api;

    private async Task<(string Access, string Refresh)> NewFamilyAsync()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        return await Api.LoginAsync(name);
    }

    private static void AssertTokenNotValid(ApiClient.Reply reply)
    {
        Assert.Equal(401, reply.Code);
        Assert.Equal("token_not_valid", reply.Body["code"]!.GetValue<string>());
        Assert.Equal("Bearer realm=\"api\"", reply.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Refresh_WithRefresh_RotatesInSameFamily()
    {
        var (access, refresh) = await NewFamilyAsync();

        var reply = await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));

        Assert.Equal(200, reply.Code);
        Assert.Equal(["access", "refresh", "token"], reply.Body.AsObject().Select(p => p.Key).ToArray());
        var access2 = reply.Body["access"]!.GetValue<string>();
        var refresh2 = reply.Body["refresh"]!.GetValue<string>();
        Assert.Equal(access2, reply.Body["token"]!.GetValue<string>());
        Assert.NotEqual(refresh, refresh2);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", access2)).Code);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(200, (await Api.PostAsync("/auth/jwt/refresh", Form(("refresh", refresh2)))).Code);
    }

    [Fact]
    public async Task Refresh_ReusedRefreshToken_RevokesWholeFamily()
    {
        var (access, refresh) = await NewFamilyAsync();
        var rotated = await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));
        var access2 = rotated.Body["access"]!.GetValue<string>();
        var refresh2 = rotated.Body["refresh"]!.GetValue<string>();

        var reuse = await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));

        AssertTokenNotValid(reuse);
        AssertTokenNotValid(await Api.GetAsync("/auth/me/", access));
        AssertTokenNotValid(await Api.GetAsync("/auth/me/", access2));
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh2))));
    }

    [Fact]
    public async Task Refresh_ReuseDoesNotTouchOtherFamilies()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var (_, refresh) = await Api.LoginAsync(name);
        var (otherAccess, _) = await Api.LoginAsync(name);
        await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));

        await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));

        Assert.Equal(200, (await Api.GetAsync("/auth/me/", otherAccess)).Code);
    }

    [Fact]
    public async Task Refresh_WithAccessTokenForm_GivesNewPairAndOldAccessStaysValid()
    {
        var (access, _) = await NewFamilyAsync();

        var reply = await Api.SendAsync(HttpMethod.Post, "/auth/jwt/refresh/", Form(("token", access)), access, "JWT");

        Assert.Equal(200, reply.Code);
        var access2 = reply.Body["token"]!.GetValue<string>();
        Assert.Equal(access2, reply.Body["access"]!.GetValue<string>());
        Assert.NotEqual(access, access2);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", access2)).Code);
        Assert.Equal(200, (await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", reply.Body["refresh"]!.GetValue<string>())))).Code);
    }

    [Fact]
    public async Task Refresh_WithAccessToken_NewTokensShareTheFamily()
    {
        var (access, refresh) = await NewFamilyAsync();
        var reply = await Api.PostAsync("/auth/jwt/refresh/", Json(("token", access)));

        Assert.Equal(200, (await Api.PostAsync("/auth/jwt/blacklist/", Json(("refresh", refresh)))).Code);

        AssertTokenNotValid(await Api.GetAsync("/auth/me/", reply.Body["access"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_WithAuthToken_Returns401()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var authToken = (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();

        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("token", authToken))));
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", authToken))));
    }

    [Fact]
    public async Task Refresh_AccessTokenAsRefreshOrRefreshAsToken_Returns401()
    {
        var (access, refresh) = await NewFamilyAsync();

        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", access))));
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("token", refresh))));
    }

    [Fact]
    public async Task Refresh_NeitherField_Returns400RefreshRequired()
    {
        var reply = await Api.PostAsync("/auth/jwt/refresh/", Json(("other", "x")));

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"refresh\":[\"This field is required.\"]}", reply.Text);
    }

    [Fact]
    public async Task Refresh_BothFields_RefreshWins()
    {
        var (_, refresh) = await NewFamilyAsync();

        var reply = await Api.PostAsync("/auth/jwt/refresh/", Json(("token", "garbage"), ("refresh", refresh)));

        Assert.Equal(200, reply.Code);
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("token", "whatever"), ("refresh", "garbage"))));
    }

    [Fact]
    public async Task Refresh_UnknownToken_Returns401()
    {
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))));
    }

    [Fact]
    public async Task Verify_AnyValidKind_Returns200EmptyObject()
    {
        var name = SharedServer.NewName();
        await Api.SignUpAsync(name);
        var (access, refresh) = await Api.LoginAsync(name);
        var authToken = (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();

        foreach (var token in new[] { access, refresh, authToken })
        {
            var reply = await Api.PostAsync("/auth/jwt/verify/", Json(("token", token)));
            Assert.Equal(200, reply.Code);
            Assert.Equal("{}", reply.Text);
        }

        Assert.Equal(200, (await Api.PostAsync("/auth/jwt/verify", Form(("token", access)))).Code);
    }

    [Fact]
    public async Task Verify_InvalidOrRevoked_Returns401AndMissing400()
    {
        var (access, refresh) = await NewFamilyAsync();
        await Api.PostAsync("/auth/jwt/blacklist/", Json(("refresh", refresh)));

        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/verify/", Json(("token", "nope"))));
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/verify/", Json(("token", access))));
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/verify/", Json(("token", refresh))));
        var missing = await Api.PostAsync("/auth/jwt/verify/", Json());
        Assert.Equal(400, missing.Code);
        Assert.Equal("{\"token\":[\"This field is required.\"]}", missing.Text);
    }

    [Theory]
    [InlineData("/auth/jwt/blacklist/")]
    [InlineData("/auth/logout/")]
    [InlineData("/auth/logout")]
    public async Task Blacklist_RevokesFamilyImmediately(string path)
    {
        var (access, refresh) = await NewFamilyAsync();
        Assert.Equal(200, (await Api.GetAsync("/auth/me/", access)).Code);

        var reply = await Api.PostAsync(path, Json(("refresh", refresh)));

        Assert.Equal(200, reply.Code);
        Assert.Equal("{}", reply.Text);
        AssertTokenNotValid(await Api.GetAsync("/auth/me/", access));
        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh))));
        AssertTokenNotValid(await Api.PostAsync(path, Json(("refresh", refresh))));
    }

    [Fact]
    public async Task Blacklist_AccessTokenOrMissing_Returns401Or400()
    {
        var (access, _) = await NewFamilyAsync();

        AssertTokenNotValid(await Api.PostAsync("/auth/jwt/blacklist/", Json(("refresh", access))));
        var missing = await Api.PostAsync("/auth/jwt/blacklist/", Form());
        Assert.Equal(400, missing.Code);
        Assert.Equal("{\"refresh\":[\"This field is required.\"]}", missing.Text);
    }

    [Fact]
    public async Task Revocation_ConcurrentRequestsRightAfterLogout_AllRefused()
    {
        var (access, _) = await NewFamilyAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await Api.GetAsync("/auth/me/", access)).Code);
        }

        Assert.Equal(204, (await Api.PostAsync("/auth/token/logout/", null, access)).Code);

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Api.GetAsync("/auth/me/", access)));
        Assert.All(replies, r => Assert.Equal(401, r.Code));
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class JwtOnPostgresTests(SharedPostgresServer shared) : JwtTests(shared), IClassFixture<SharedPostgresServer>;
