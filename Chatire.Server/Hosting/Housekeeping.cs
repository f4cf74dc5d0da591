using Chatire.Auth;
using Serilog;

namespace Chatire.Hosting;

/// <summary>The periodic job: prunes expired tokens hourly and runs the per-tick tasks others register
/// (closing sockets whose token expired).</summary>
public sealed class Housekeeping(TokenService tokens, ILogger log, TimeSpan interval)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Func<Task>> _ticks = [];
    private Task? _loop;

    /// <summary>Adds work to run on every tick.</summary>
    public void OnTick(Func<Task> work) => _ticks.Add(work);

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(interval);
        var lastPrune = DateTime.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var tick in _ticks)
                {
                    await Run(tick).ConfigureAwait(false);
                }

                if (DateTime.UtcNow - lastPrune >= PruneEvery)
                {
                    lastPrune = DateTime.UtcNow;
                    await Run(async () =>
                    {
                        var pruned = await tokens.PruneExpiredAsync().ConfigureAwait(false);
                        if (pruned > 0)
                        {
                            log.Information("Pruned {Count} expired tokens", pruned);
                        }
                    }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task Run(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Error(ex, "Housekeeping task failed");
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }
}
