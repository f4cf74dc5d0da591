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
        await using var server = await TestServer.StartAsync(s => s with { BcryptCost = 8, LoginLimitAddress = 1000, LoginLimitUser = 1000, LoginLimitUserAddress = 1000 });
        await server.Api.SignUpAsync("ann", email: "ann@example.com");
        await server.Api.SignUpAsync("twin1", email: "twin@example.com");
        await server.Api.SignUpAsync("twin2", email: "twin@example.com");

        async Task<double> TimeAsync(string email, int i)
        {
            var started = Stopwatch.GetTimestamp();
            var reply = await server.Api.PostAsync("/api/users/login/", Json(("user", Json(("email", email), ("password", "wrong-password-" + i)))));
            Assert.Equal(400, reply.Code);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // Interleaved, so load from other tests on the machine falls on all three alike.
        var samples = new Dictionary<string, List<double>> { ["ann@example.com"] = [], ["nobody@example.com"] = [], ["twin@example.com"] = [] };
        for (var i = 0; i < 7; i++)
        {
            foreach (var (email, times) in samples)
            {
                times.Add(await TimeAsync(email, i));
            }
        }

        double Median(string email) => samples[email].Order().ElementAt(3);
        var wrongPassword = Median("ann@example.com");
        var unknown = Median("nobody@example.com");
        var ambiguous = Median("twin@example.com");

        // Without the dummy check an unknown email answers about a hundred times faster.
        Assert.True(unknown > wrongPassword * 0.2, $"unknown email {unknown:0.0} ms, wrong password {wrongPassword:0.0} ms");
        Assert.True(ambiguous > wrongPassword * 0.2, $"ambiguous email {ambiguous:0.0} ms, wrong password {wrongPassword:0.0} ms");
    }
}
