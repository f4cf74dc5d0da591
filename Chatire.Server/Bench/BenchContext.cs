namespace Chatire.Bench;

/// <summary>What every scenario gets: the target, the terminal for the progress bar (or null) and
/// a writer for setup notes (standard error).</summary>
public sealed record BenchContext(BenchTarget Target, TextWriter? Terminal, TextWriter Notes)
{
    /// <summary>Parallelism of setup calls (registrations, logins, chat creation, connects).</summary>
    public int SetupConcurrency { get; init; } = 16;

    /// <summary>Registers and signs in <paramref name="count"/> users named after the run; returns their access tokens.</summary>
    public async Task<string[]> CreateUsersAsync(BenchApi api, string role, int count, CancellationToken ct)
    {
        var tokens = new string[count];
        await ForEachAsync(count, async i =>
        {
            var name = UserName(role, i);
            await api.RegisterAsync(name, ct).ConfigureAwait(false);
            tokens[i] = await api.LoginAsync(name, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        return tokens;
    }

    public string UserName(string role, int index) => $"b{Target.RunId}_{role}{index}";

    public Task ForEachAsync(int count, Func<int, Task> body, CancellationToken ct) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = ct },
            async (i, _) => await body(i).ConfigureAwait(false));
}
