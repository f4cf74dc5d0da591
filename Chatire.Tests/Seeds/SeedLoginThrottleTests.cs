using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Seeds;

/// <summary>The taxi app's and Conduit's login paths share the throttle of the other login paths.</summary>
public sealed class SeedLoginThrottleTests
{
    private static Task<TestServer> StartAsync() =>
        TestServer.StartAsync(s => s with { LoginWindow = TimeSpan.FromMinutes(15), LoginLimitUserAddress = 3, LoginLimitAddress = 50, LoginLimitUser = 100 });

    private static Task<ApiClient.Reply> ConduitLogin(TestServer server, string email, string password) =>
        server.Api.PostAsync("/api/users/login/", Json(("user", Json(("email", email), ("password", password)))));

    [Fact]
    public async Task TaxiLogIn_FailuresThrottleEveryLoginPath()
    {
        await using var server = await StartAsync();
        await server.Api.SignUpAsync("ann");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(400, (await server.Api.PostAsync("/api/log_in/", Json(("username", "ann"), ("password", "wrong-password")))).Code);
        }

        foreach (var path in new[] { "/api/log_in/", "/api/token/", "/auth/jwt/create/" })
        {
            var reply = await server.Api.PostAsync(path, Json(("username", "ann"), ("password", DefaultPassword)));
            Assert.Equal(429, reply.Code);
            Assert.Equal("900", reply.Header("Retry-After"));
        }
    }

    [Fact]
    public async Task ConduitLogin_FailuresCountAgainstTheUsernameTheEmailIdentifies()
    {
        await using var server = await StartAsync();
        await server.Api.SignUpAsync("ann", email: "ann@example.com");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(400, (await ConduitLogin(server, "Ann@Example.com", "wrong-password")).Code);
        }

        var conduit = await ConduitLogin(server, "ann@example.com", DefaultPassword);
        var byName = await server.Api.PostAsync("/auth/jwt/create/", Json(("username", "ann"), ("password", DefaultPassword)));

        Assert.Equal(429, conduit.Code);
        Assert.Equal("{\"detail\":\"Request was throttled. Expected available in 900 seconds.\"}", conduit.Text);
        Assert.Equal(429, byName.Code);
    }

    [Fact]
    public async Task ConduitLogin_UnknownEmail_CountsAgainstTheLowerCasedEmail()
    {
        await using var server = await StartAsync();
        await server.Api.SignUpAsync("bob", email: "bob@example.com");
        for (var i = 0; i < 3; i++)
        {
            await ConduitLogin(server, i % 2 == 0 ? "Ghost@Example.com" : "ghost@example.com", DefaultPassword);
        }

        Assert.Equal(429, (await ConduitLogin(server, "GHOST@example.com", DefaultPassword)).Code);
        Assert.Equal(200, (await ConduitLogin(server, "bob@example.com", DefaultPassword)).Code);
    }

    [Fact]
    public async Task SignUpPaths_RegistrationClosed_Return403()
    {
        await using var server = await TestServer.StartAsync(s => s with { RegistrationOpen = false });

        var taxi = await server.Api.PostAsync("/api/sign_up/", Json(("username", "ann"), ("password1", DefaultPassword), ("password2", DefaultPassword)));
        var conduit = await server.Api.PostAsync("/api/users/", Json(("user", Json(("username", "ann"), ("email", "ann@example.com"), ("password", DefaultPassword)))));

        Assert.Equal(403, taxi.Code);
        Assert.Equal(403, conduit.Code);
        Assert.Equal("Registration is closed.", conduit.Body["detail"]!.GetValue<string>());
    }
}
