using Chatire.Storage;
using Serilog;

namespace Chatire.Cluster;

/// <summary>
/// Each node writes its row in <c>cluster_nodes</c> every <see cref="Interval"/> and counts the nodes
/// seen within <see cref="Alive"/> (on PostgreSQL's clock, so nodes' clocks need not agree). A node
/// that stops removes its row; one that dies is counted out after <see cref="Alive"/>.
/// </summary>
public sealed class NodeHeartbeat(PostgresDatabase database, string node, ILogger log) : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Alive = TimeSpan.FromSeconds(10);

    private const string BeatSql = "INSERT INTO cluster_nodes (id) VALUES (@id) ON CONFLICT (id) DO UPDATE SET seen = now()";
    private const string CountSql = "SELECT COUNT(*) FROM cluster_nodes WHERE seen > now() - make_interval(secs => @alive)";
    private const string ForgetDeadSql = "DELETE FROM cluster_nodes WHERE seen < now() - interval '1 hour'";
    private const string LeaveSql = "DELETE FROM cluster_nodes WHERE id = @id";

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _nodes = 1;

    /// <summary>Runs after each beat (presence drops the users of dead nodes).</summary>
    public Action? AfterBeat { get; set; }

    /// <summary>Nodes seen alive now, this one included (the count of the last beat while the database is unreachable).</summary>
    public int Nodes
    {
        get
        {
            try
            {
                var count = (int)database.Read(c => Database.Scalar<long>(c, CountSql, ("@alive", Alive.TotalSeconds)));
                Volatile.Write(ref _nodes, count);
            }
            catch (Core.DatabaseUnavailableException)
            {
            }

            return Volatile.Read(ref _nodes);
        }
    }

    public void Start()
    {
        Beat();
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Beat();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Beat()
    {
        try
        {
            var count = database.WriteAsync(c =>
            {
                Database.Execute(c, BeatSql, ("@id", node));
                Database.Execute(c, ForgetDeadSql);
                return Database.Scalar<long>(c, CountSql, ("@alive", Alive.TotalSeconds));
            }).GetAwaiter().GetResult();
            Volatile.Write(ref _nodes, (int)count);
            AfterBeat?.Invoke();
        }
        catch (Exception ex)
        {
            log.Debug("Heartbeat failed: {Error}", ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        try
        {
            await database.WriteAsync(c => Database.Execute(c, LeaveSql, ("@id", node))).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Debug("Could not remove this node from cluster_nodes: {Error}", ex.Message);
        }

        _stop.Dispose();
    }
}
