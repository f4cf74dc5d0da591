using System.Data.Common;
using Chatire.Core;
using Npgsql;

namespace Chatire.Storage;

/// <summary>
/// A PostgreSQL database shared by any number of nodes: pooled connections, each write in its own
/// transaction (PostgreSQL's row locks order the writes that must be ordered). When the server cannot
/// be reached, calls fail with 503 "The database is unavailable; try again shortly." (Retry-After: 1)
/// and the pool is cleared, so the first call after PostgreSQL is back gets a fresh connection.
/// </summary>
public sealed class PostgresDatabase : Database
{
    /// <summary>Writes running at once; more wait their turn rather than each holding a thread.</summary>
    private const int MaxConcurrentWrites = 16;

    private readonly NpgsqlDataSource _source;
    /// <summary>Keys (chats) hashed onto gates that pass their waiters one at a time, first come first served.</summary>
    private const int OrderStripes = 64;

    private readonly SemaphoreSlim _writers = new(MaxConcurrentWrites);
    private readonly SemaphoreSlim[] _order = [.. Enumerable.Range(0, OrderStripes).Select(_ => new SemaphoreSlim(1))];
    private int _disposed;

    private PostgresDatabase(DatabaseLocation location, NpgsqlDataSource source)
    {
        Location = location;
        _source = source;
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

    /// <summary>An open connection from the pool (for tools that stream many rows, such as <c>db copy</c>).</summary>
    public NpgsqlConnection OpenConnection() => Guard(() => _source.OpenConnection());

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

    public override async Task<T> WriteInOrderAsync<T>(long key, Func<DbConnection, T> write)
    {
        var gate = _order[(int)((ulong)key % OrderStripes)];
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await WriteAsync(write).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
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

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        return _source.DisposeAsync();
    }
}
