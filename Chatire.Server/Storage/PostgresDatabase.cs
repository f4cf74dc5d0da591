using System.Data.Common;
using Chatire.Core;
using Npgsql;

namespace Chatire.Storage;

/// <summary>
/// A PostgreSQL database shared by any number of nodes: pooled connections, each write in its own
/// transaction (PostgreSQL's row locks order the writes that must be ordered). When the server cannot
/// be reached, calls fail with 503 "The database is unavailable; try again shortly." (Retry-After: 1)
/// and the pool is cleared, so the first call after PostgreSQL is back gets a fresh connection.
/// <para>Writes that must keep their order (<see cref="WriteInOrderAsync{T}"/>: posts into a chat) go
/// through lanes, one per hash of their key. A lane runs every write waiting in it in one transaction
/// (group commit), each in its own savepoint, so a burst of posts shares one commit while a failing
/// write affects only itself — as the SQLite writer does.</para>
/// </summary>
public sealed class PostgresDatabase : Database
{
    /// <summary>Writes running at once; more wait their turn rather than each holding a thread.</summary>
    private const int MaxConcurrentWrites = 16;

    private readonly NpgsqlDataSource _source;
    /// <summary>Lanes that keys (chats) are hashed onto.</summary>
    private const int Lanes = 64;
    private const int MaxBatch = 256;

    private readonly SemaphoreSlim _writers = new(MaxConcurrentWrites);
    private readonly Lane[] _lanes;
    private int _disposed;

    private PostgresDatabase(DatabaseLocation location, NpgsqlDataSource source)
    {
        Location = location;
        _source = source;
        _lanes = [.. Enumerable.Range(0, Lanes).Select(_ => new Lane(this))];
    }

    public DatabaseLocation Location { get; }

    public override string Display => Location.Display;

    public override SqlDialect Dialect => SqlDialect.Postgres;

    /// <summary>The connection string (with the password) for the bus's own LISTEN connection.</summary>
    public string ConnectionString => Location.ConnectionString!;

    public static PostgresDatabase Open(DatabaseLocation location)
    {
        var source = CreateSource(location.ConnectionString!);
        try
        {
            using var connection = source.OpenConnection();
            Migrations.Apply(connection);
        }
        catch (NpgsqlException ex)
        {
            source.Dispose();
            throw new DatabaseException($"The PostgreSQL database {location.Display} cannot be used: {ex.Message}", ex);
        }
        catch
        {
            source.Dispose();
            throw;
        }

        return new PostgresDatabase(location, source);
    }

    /// <summary>A data source without the optional type plugins (small under NativeAOT), preparing the statements it sees often.</summary>
    public static NpgsqlDataSource CreateSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        return new NpgsqlSlimDataSourceBuilder(builder.ConnectionString).Build();
    }

    public override T Read<T>(Func<DbConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Guard(() =>
        {
            using var connection = _source.OpenConnection();
            return read(connection);
        });
    }

    public override async Task<T> WriteAsync<T>(Func<DbConnection, T> write)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writers.WaitAsync().ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Guard(() =>
            {
                using var connection = _source.OpenConnection();
                using var transaction = connection.BeginTransaction();
                var result = write(connection);
                transaction.Commit();
                return result;
            })).ConfigureAwait(false);
        }
        finally
        {
            _writers.Release();
        }
    }

    public override Task<T> WriteInOrderAsync<T>(long key, Func<DbConnection, T> write)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var item = new LaneItem<T>(write);
        _lanes[(int)((ulong)key % Lanes)].Add(item);
        return item.Task;
    }

    public override bool IsHealthy()
    {
        try
        {
            return Read(connection => Scalar<long>(connection, "SELECT 1") == 1);
        }
        catch (DatabaseUnavailableException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="exception"/> says the server could not be reached or went away
    /// (rather than that the statement was wrong).</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        NpgsqlException => true,
        TimeoutException => true,
        InvalidOperationException { InnerException: NpgsqlException } => true,
        _ => false,
    };

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            _source.Clear();
            throw new DatabaseUnavailableException(ex);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_lanes.Select(l => l.CompleteAsync())).ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Ordered writes of the keys hashed here, run in batches by one loop (started on first use).</summary>
    private sealed class Lane(PostgresDatabase database)
    {
        private readonly System.Threading.Channels.Channel<LaneItem> _queue =
            System.Threading.Channels.Channel.CreateUnbounded<LaneItem>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
        private readonly object _start = new();
        private Task? _loop;

        public void Add(LaneItem item)
        {
            if (!_queue.Writer.TryWrite(item))
            {
                item.Fail(new ObjectDisposedException(nameof(PostgresDatabase), "The database is closed."));
                return;
            }

            if (_loop is null)
            {
                lock (_start)
                {
                    _loop ??= Task.Run(LoopAsync);
                }
            }
        }

        public Task CompleteAsync()
        {
            _queue.Writer.TryComplete();
            lock (_start)
            {
                return _loop ?? Task.CompletedTask;
            }
        }

        private async Task LoopAsync()
        {
            var batch = new List<LaneItem>(MaxBatch);
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await database._writers.WaitAsync().ConfigureAwait(false);
                try
                {
                    await Task.Run(() => database.RunBatch(batch)).ConfigureAwait(false);
                }
                finally
                {
                    database._writers.Release();
                }

                batch.Clear();
            }
        }
    }

    /// <summary>One transaction for the batch, a savepoint per item; items complete after the commit.</summary>
    private void RunBatch(List<LaneItem> batch)
    {
        try
        {
            Guard(() =>
            {
                using var connection = _source.OpenConnection();
                using var transaction = connection.BeginTransaction();
                var single = batch.Count == 1;
                foreach (var item in batch)
                {
                    if (single)
                    {
                        item.Run(connection);
                        continue;
                    }

                    transaction.Save("item");
                    try
                    {
                        item.Run(connection);
                        transaction.Release("item");
                    }
                    catch (Exception ex) when (!IsUnavailable(ex))
                    {
                        transaction.Rollback("item");
                        item.Fail(ex);
                    }
                }

                transaction.Commit();
                return true;
            });
        }
        catch (Exception ex)
        {
            foreach (var item in batch)
            {
                item.Fail(ex);
            }

            return;
        }

        foreach (var item in batch)
        {
            item.Complete();
        }
    }

    private abstract class LaneItem
    {
        public abstract void Run(DbConnection connection);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class LaneItem<T>(Func<DbConnection, T> write) : LaneItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Task => _completion.Task;

        public override void Run(DbConnection connection) => _result = write(connection);

        public override void Complete()
        {
            if (!_failed)
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception exception)
        {
            _failed = true;
            _completion.TrySetException(exception);
        }
    }
}
