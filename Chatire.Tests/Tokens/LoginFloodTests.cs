using System.Diagnostics;
using System.Net.Http.Json;
using Chatire.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chatire.Tests.Tokens;

/// <summary>A flood of wrong-password logins must not slow down other requests: hashing runs on its own
/// bounded threads, not on the thread pool that serves everything else.</summary>
public sealed class LoginFloodTests(ITestOutputHelper output)
{
    private const int Attempts = 200;
    private const int Cost = 6;

    [Fact]
    public async Task LoginFlood_200WrongPasswords_HealthStaysFast()
    {
        await using var server = await TestServer.StartAsync(s => s with
        {
            BcryptCost = Cost,
            LoginLimitUserAddress = 100_000,
            LoginLimitAddress = 100_000,
            LoginLimitUser = 100_000,
        });
        await server.Api.SignUpAsync("victim");
        var baseline = await MeasureHealthAsync(server, 30, null);

        using var attacker = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var flood = Stopwatch.StartNew();
        var attempts = Enumerable.Range(0, Attempts)
            .Select(i => attacker.PostAsJsonAsync("/auth/token/login/", new Dictionary<string, string> { ["username"] = "victim", ["password"] = $"guess-{i}-wrong" }))
            .ToArray();
        var floodDone = Task.WhenAll(attempts);
        var during = await MeasureHealthAsync(server, int.MaxValue, floodDone);
        var responses = await floodDone;
        flood.Stop();

        Assert.All(responses, r => Assert.Equal(400, (int)r.StatusCode));
        output.WriteLine($"password threads: {server.Server.Passwords!.Concurrency}, bcrypt cost: {Cost}");
        output.WriteLine($"flood: {Attempts} wrong-password logins in {flood.ElapsedMilliseconds} ms");
        output.WriteLine($"health before: {Describe(baseline)}");
        output.WriteLine($"health during: {Describe(during)}");
        Assert.True(during.Count >= 5, $"only {during.Count} health checks ran during the flood");
        Assert.True(Percentile(during, 0.5) < 250, $"health p50 during the flood: {Describe(during)}");
    }

    private static async Task<List<double>> MeasureHealthAsync(TestServer server, int count, Task? until)
    {
        var latencies = new List<double>();
        for (var i = 0; i < count && (until is null || !until.IsCompleted || latencies.Count < 5); i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await server.Http.GetAsync("/health");
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(200, (int)response.StatusCode);
        }

        return latencies;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    private static string Describe(List<double> values) =>
        $"n={values.Count} p50={Percentile(values, 0.5):0.0} ms p95={Percentile(values, 0.95):0.0} ms max={values.Max():0.0} ms";
}
