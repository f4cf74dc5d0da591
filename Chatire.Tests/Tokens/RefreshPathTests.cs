using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Tokens;

public sealed class RefreshPathTests
{
    private const string Alias = "/this/is/hard/to/find/";

    [Fact]
    public async Task RefreshPath_WithHideDefault_AliasAnswersDefaultIs404()
    {
        await using var server = await TestServer.StartAsync(s => s with { RefreshPath = Alias, HideDefaultRefresh = true });
        var access = await server.Api.SignUpAndLoginAsync("alice");

        var hidden = await server.Api.PostAsync("/auth/jwt/refresh/", Json(("token", access)));
        var viaAlias = await server.Api.PostAsync(Alias, Form(("token", access)));
        var viaAliasNoSlash = await server.Api.PostAsync("/this/is/hard/to/find", Json(("token", viaAlias.Body["token"]!.GetValue<string>())));

        Assert.Equal(404, hidden.Code);
        Assert.Equal("{\"detail\":\"Not found.\"}", hidden.Text);
        Assert.Equal(200, viaAlias.Code);
        Assert.Equal(200, viaAliasNoSlash.Code);
    }

    [Fact]
    public async Task RefreshPath_WithoutHide_BothAnswer()
    {
        await using var server = await TestServer.StartAsync(s => s with { RefreshPath = Alias });
        await server.Api.SignUpAsync("bob");
        var (_, refresh) = await server.Api.LoginAsync("bob");

        var viaDefault = await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));
        var viaAlias = await server.Api.PostAsync(Alias, Json(("refresh", viaDefault.Body["refresh"]!.GetValue<string>())));

        Assert.Equal(200, viaDefault.Code);
        Assert.Equal(200, viaAlias.Code);
    }
}
