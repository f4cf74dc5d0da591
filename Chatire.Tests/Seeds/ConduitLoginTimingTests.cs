using System.Diagnostics;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Seeds;

/// <summary>An email login for an unknown or ambiguous email costs a password check, as a wrong password does,
/// so the time of the answer does not tell whether an email is known.</summary>
public sealed class ConduitLoginTimingTests
{
    [Fact]
    public async Task Login_UnknownOrAmbiguousEmail_TakesAsLongAsAWrongPassword()
    {
        // A real hashing cost, so a skipped password check would stand out from the noise.
        await using var server = await TestServer.StartAsync(s => s with { Pbkdf2Iterations = 200_000, LoginLimitAddress = 1000, LoginLimitUser = 1000, LoginLimitUserAddress = 1000 });
        await server.Api.SignUpAsync("ann", email: "ann@example.com");
        await server.Api.SignUpAsync("twin1", email: "twin@example.com");
        await server.Api.SignUpAsync("twin2", email: "twin@example.com");

        async Task<double> MedianAsync(string email)
        {
            var samples = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await server.Api.PostAsync("/api/users/login/", Json(("user", Json(("email", email), ("password", "wrong-password-" + i)))));
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.Equal(400, reply.Code);
            }

            samples.Sort();
            return samples[2];
        }

        var wrongPassword = await MedianAsync("ann@example.com");
        var unknown = await MedianAsync("nobody@example.com");
        var ambiguous = await MedianAsync("twin@example.com");

        Assert.True(unknown > wrongPassword * 0.5, $"unknown email {unknown:0.0} ms, wrong password {wrongPassword:0.0} ms");
        Assert.True(ambiguous > wrongPassword * 0.5, $"ambiguous email {ambiguous:0.0} ms, wrong password {wrongPassword:0.0} ms");
    }
}
