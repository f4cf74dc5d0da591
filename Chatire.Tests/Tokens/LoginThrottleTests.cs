using Chatire.Auth;
using Chatire.Configuration;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Tokens;

/// <summary>The throttle's keys that tests over HTTP cannot reach (every test client is 127.0.0.1).</summary>
public sealed class LoginThrottleTests
{
    private static readonly ChatireSettings Settings = new()
    {
        LoginWindow = TimeSpan.FromMinutes(15),
        LoginLimitUserAddress = 10,
        LoginLimitAddress = 50,
        LoginLimitUser = 100,
    };

    [Fact]
    public void Throttle_UserAddressLimit_ThrottlesOnlyThatPair()
    {
        var throttle = new LoginThrottle(Settings, new TestClock());
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure("ann", "10.0.0.1");
        }

        Assert.Equal(900, throttle.RetryAfter("ann", "10.0.0.1"));
        Assert.Null(throttle.RetryAfter("ann", "10.0.0.2"));
        Assert.Null(throttle.RetryAfter("bob", "10.0.0.1"));
    }

    [Fact]
    public void Throttle_UserLimit_AppliesFromEveryAddress()
    {
        var clock = new TestClock();
        var throttle = new LoginThrottle(Settings, clock);
        for (var i = 0; i < 100; i++)
        {
            throttle.RecordFailure("Ann", $"10.0.{i / 200}.{i % 200}");
        }

        Assert.Equal(900, throttle.RetryAfter("ann", "192.168.1.1"));
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(throttle.RetryAfter("ann", "192.168.1.1"));
    }

    [Fact]
    public void Throttle_AddressLimit_AppliesToEveryUsername()
    {
        var throttle = new LoginThrottle(Settings, new TestClock());
        for (var i = 0; i < 50; i++)
        {
            throttle.RecordFailure($"user{i}", "10.0.0.9");
        }

        Assert.NotNull(throttle.RetryAfter("someone-else", "10.0.0.9"));
        Assert.Null(throttle.RetryAfter("someone-else", "10.0.0.8"));
    }

    [Fact]
    public void Throttle_RetryAfter_IsWhenCountDropsBelowLimit()
    {
        var clock = new TestClock();
        var throttle = new LoginThrottle(Settings with { LoginLimitUserAddress = 2 }, clock);
        throttle.RecordFailure("ann", "a");
        clock.Advance(TimeSpan.FromMinutes(10));
        throttle.RecordFailure("ann", "a");

        Assert.Equal(300, throttle.RetryAfter("ann", "a"));
        clock.Advance(TimeSpan.FromSeconds(299.5));
        Assert.Equal(1, throttle.RetryAfter("ann", "a"));
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Null(throttle.RetryAfter("ann", "a"));
    }

    [Fact]
    public void Throttle_OldKeys_AreForgotten()
    {
        var clock = new TestClock();
        var throttle = new LoginThrottle(Settings, clock);
        for (var i = 0; i < 600; i++)
        {
            throttle.RecordFailure($"user{i}", $"10.1.{i / 200}.{i % 200}");
        }

        clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 1024; i++)
        {
            throttle.RecordFailure("late", "10.9.9.9");
        }

        Assert.Equal(3, throttle.TrackedKeys);
    }
}
