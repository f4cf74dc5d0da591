using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Tokens;

public sealed class ExpiryTests
{
    private static Task<TestServer> StartAsync(TestClock clock) =>
        TestServer.StartAsync(s => s with { AccessLifetime = TimeSpan.FromMinutes(60), RefreshLifetime = TimeSpan.FromDays(1), TokenLifetime = TimeSpan.FromHours(24) }, clock: clock);

    [Fact]
    public async Task Access_AfterLifetime_Returns401()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        var (access, refresh) = await server.Api.LoginAsync("ann");
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", access)).Code);

        clock.Advance(TimeSpan.FromMinutes(2));

        var reply = await server.Api.GetAsync("/auth/me/", access);
        Assert.Equal(401, reply.Code);
        Assert.Equal("token_not_valid", reply.Body["code"]!.GetValue<string>());
        Assert.Equal(401, (await server.Api.PostAsync("/auth/jwt/refresh/", Json(("token", access)))).Code);
        Assert.Equal(200, (await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)))).Code);
    }

    [Fact]
    public async Task AuthToken_AfterTokenLifetime_Returns401()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        var token = (await server.Api.PostAsync("/auth/token/login/", Json(("username", "ann"), ("password", DefaultPassword)))).Body["auth_token"]!.GetValue<string>();
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", token)).Code);

        clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(401, (await server.Api.GetAsync("/auth/me/", token)).Code);
    }

    [Fact]
    public async Task Refresh_AfterRefreshLifetime_Returns401()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        var (_, refresh) = await server.Api.LoginAsync("ann");

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var reply = await server.Api.PostAsync("/auth/jwt/refresh/", Json(("refresh", refresh)));
        Assert.Equal(401, reply.Code);
        Assert.Equal(401, (await server.Api.PostAsync("/auth/jwt/verify/", Json(("token", refresh)))).Code);
    }

    [Fact]
    public async Task RefreshByAccess_FamilyCannotOutliveRefreshLifetimeFromLogin()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        var (access, _) = await server.Api.LoginAsync("ann");

        // Chatire's client refreshes every few minutes; here every 50 minutes for a day.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(23); elapsed += TimeSpan.FromMinutes(50))
        {
            clock.Advance(TimeSpan.FromMinutes(50));
            var reply = await server.Api.PostAsync("/auth/jwt/refresh/", Json(("token", access)));
            Assert.Equal(200, reply.Code);
            access = reply.Body["token"]!.GetValue<string>();
        }

        clock.Advance(TimeSpan.FromMinutes(50));

        // More than a day after login: the family is over, whatever was refreshed in between.
        Assert.Equal(401, (await server.Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(401, (await server.Api.PostAsync("/auth/jwt/refresh/", Json(("token", access)))).Code);
    }

    [Fact]
    public async Task RefreshByAccess_NearFamilyEnd_NewAccessEndsWithFamily()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        var (access, _) = await server.Api.LoginAsync("ann");
        for (var i = 0; i < 24; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(59));
            access = (await server.Api.PostAsync("/auth/jwt/refresh/", Json(("token", access)))).Body["token"]!.GetValue<string>();
        }

        // 23h36m after login: the new access token would live 60 minutes, but the family ends at 24h.
        clock.Advance(TimeSpan.FromMinutes(25));

        Assert.Equal(401, (await server.Api.GetAsync("/auth/me/", access)).Code);
    }
}
