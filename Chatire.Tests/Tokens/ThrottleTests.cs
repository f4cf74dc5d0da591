using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Tokens;

public sealed class ThrottleTests
{
    private static Task<TestServer> StartAsync(TestClock clock, int userAddress = 3, int address = 50, int user = 100) =>
        TestServer.StartAsync(s => s with
        {
            LoginWindow = TimeSpan.FromMinutes(15),
            LoginLimitUserAddress = userAddress,
            LoginLimitAddress = address,
            LoginLimitUser = user,
        }, clock: clock);

    private static Task<ApiClient.Reply> Login(TestServer server, string name, string password, string path = "/auth/token/login/") =>
        server.Api.PostAsync(path, Json(("username", name), ("password", password)));

    [Fact]
    public async Task Throttle_AfterLimitFailures_RightPasswordGets429WithRetryAfter()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(400, (await Login(server, "ann", "wrong-password")).Code);
        }

        foreach (var path in new[] { "/auth/token/login/", "/auth/token/create/", "/auth/jwt/create/" })
        {
            var reply = await Login(server, "ann", DefaultPassword, path);
            Assert.Equal(429, reply.Code);
            Assert.Equal("900", reply.Header("Retry-After"));
            Assert.Equal("{\"detail\":\"Request was throttled. Expected available in 900 seconds.\"}", reply.Text);
            AssertJsonContentType(reply);
        }
    }

    [Fact]
    public async Task Throttle_UsernameInOtherCase_CountsAsSameUser()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        await Login(server, "ann", "wrong-password");
        await Login(server, "ANN", "wrong-password");
        await Login(server, "Ann", "wrong-password");

        Assert.Equal(429, (await Login(server, "ann", DefaultPassword)).Code);
    }

    [Fact]
    public async Task Throttle_429sAreNotFailures_OpensWhenOldestFailureLeavesWindow()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        await Login(server, "ann", "wrong-password");
        clock.Advance(TimeSpan.FromMinutes(5));
        await Login(server, "ann", "wrong-password");
        await Login(server, "ann", "wrong-password");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(429, (await Login(server, "ann", "wrong-password")).Code);
        }

        clock.Advance(TimeSpan.FromMinutes(9));
        var stillThrottled = await Login(server, "ann", DefaultPassword);
        Assert.Equal(429, stillThrottled.Code);
        Assert.Equal("60", stillThrottled.Header("Retry-After"));

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(200, (await Login(server, "ann", DefaultPassword)).Code);
        // Two failures are still in the window: one more throttles again.
        Assert.Equal(400, (await Login(server, "ann", "wrong-password")).Code);
        Assert.Equal(429, (await Login(server, "ann", DefaultPassword)).Code);
    }

    [Fact]
    public async Task Throttle_SuccessDoesNotReset()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        await server.Api.SignUpAsync("ann");
        await Login(server, "ann", "wrong-password");
        await Login(server, "ann", "wrong-password");
        Assert.Equal(200, (await Login(server, "ann", DefaultPassword)).Code);

        Assert.Equal(400, (await Login(server, "ann", "wrong-password")).Code);

        Assert.Equal(429, (await Login(server, "ann", DefaultPassword)).Code);
    }

    [Fact]
    public async Task Throttle_PerAddress_CoversEveryUsername()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock, userAddress: 10, address: 4);
        await server.Api.SignUpAsync("ann");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(400, (await Login(server, $"nobody{i}", "wrong-password")).Code);
        }

        var reply = await Login(server, "ann", DefaultPassword);

        Assert.Equal(429, reply.Code);
        Assert.NotNull(reply.Header("Retry-After"));
    }

    [Fact]
    public async Task Throttle_PerUser_CountsFailuresFromAnywhere()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock, userAddress: 10, address: 100, user: 2);
        await server.Api.SignUpAsync("ann");
        await Login(server, "ann", "wrong-password");
        await Login(server, "ann", "wrong-password");

        Assert.Equal(429, (await Login(server, "ann", DefaultPassword)).Code);
        Assert.Equal(400, (await Login(server, "bob", "wrong-password")).Code);
    }

    [Fact]
    public async Task Throttle_OtherEndpoints_AreNotAffected()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        var token = await server.Api.SignUpAndLoginAsync("ann");
        for (var i = 0; i < 3; i++)
        {
            await Login(server, "ann", "wrong-password");
        }

        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", token)).Code);
        Assert.Equal(400, (await Login(server, "", "")).Code);
    }
}
