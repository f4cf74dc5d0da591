using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Chatire.Storage;

/// <summary>
/// The SQLite database: pooled connections for reads, and one writer connection fed by a queue.
/// The writer runs every write waiting in the queue inside one transaction (group commit), each in
/// its own savepoint, so concurrent posts share one fsync while a failing write affects only itself.
/// A write's task completes only after its transaction has committed.
/// </summary>
public sealed class SqliteDatabase : Database
{
    private const int MaxBatch = 512;
    private const int MaxIdleReaders = 16;

    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private int _idleReaders;

    private readonly string _readConnectionString;
    private readonly SqliteConnection _writer;
    private readonly Channel<WriteItem> _queue = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writerThread;
    private int _disposed;

    private SqliteDatabase(string path, SqliteConnection writer)
    {
        Path = path;
        _writer = writer;
        _readConnectionString = BuildConnectionString(path, SqliteOpenMode.ReadWrite);
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "chatire-db-writer" };
        _writerThread.Start();
    }

    public string Path { get; }

    public override string Display => Path;

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    /// <summary>Opens (creating if needed) and migrates the database at <paramref name="path"/>.</summary>
    /// <exception cref="DatabaseException">The file cannot be opened or its schema is newer than this build.</exception>
    /// <param name="synchronous">SQLite's synchronous level for the writer: FULL (default) makes every
    /// commit durable across power loss; NORMAL keeps commits across process crashes only.</param>
    public static SqliteDatabase OpenFile(string path, string synchronous = "FULL")
    {
        if (synchronous is not ("FULL" or "NORMAL"))
        {
            throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, "FULL or NORMAL.");
        }

        SQLitePCL.Batteries_V2.Init();
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DatabaseException($"The directory of the database file '{fullPath}' does not exist.");
        }

        var writer = new SqliteConnection(BuildConnectionString(fullPath, SqliteOpenMode.ReadWriteCreate));
        try
        {
            writer.Open();
            Execute(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous + "; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
            Migrations.Apply(writer);
        }
        catch (SqliteException ex)
        {
            writer.Dispose();
            throw new DatabaseException($"The database file '{fullPath}' cannot be used: {ex.Message}", ex);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        return new SqliteDatabase(fullPath, writer);
    }

    private static string BuildConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        ForeignKeys = true,
        DefaultTimeout = 5,
        Pooling = false,
        Cache = SqliteCacheMode.Private,
    }.ToString();

    /// <summary>Runs a read on a connection rented from the reader pool. Readers stay open for the life
    /// of the database, so their prepared statements (see <see cref="Command"/>) are reused.</summary>
    public override T Read<T>(Func<DbConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_readers.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleReaders);
        }
        else
        {
            connection = new SqliteConnection(_readConnectionString);
            connection.Open();
        }

        try
        {
            return read(connection);
        }
        finally
        {
            if (Volatile.Read(ref _disposed) == 0 && Interlocked.Increment(ref _idleReaders) <= MaxIdleReaders)
            {
                _readers.Add(connection);
            }
            else
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    Interlocked.Decrement(ref _idleReaders);
                }

                connection.Dispose();
            }
        }
    }

    /// <summary>Queues a write; completes after the transaction holding it has committed.</summary>
    public override Task<T> WriteAsync<T>(Func<DbConnection, T> write)
    {
        var item = new WriteItem<T>(write);
        if (!_queue.Writer.TryWrite(item))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase), "The database is closed."));
        }

        return item.Task;
    }

    /// <summary>Checks that the database answers.</summary>
    public override bool IsHealthy()
    {
        try
        {
            return Read(connection => Scalar<long>(connection, "SELECT 1") == 1);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private void WriterLoop()
    {
        var batch = new List<WriteItem>(MaxBatch);
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }

                continue;
            }

            batch.Add(first);
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            RunBatch(batch);
            batch.Clear();
        }
    }

    private void RunBatch(List<WriteItem> batch)
    {
        try
        {
            Execute(_writer, "BEGIN IMMEDIATE");
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
            Execute(_writer, "SAVEPOINT item");
            try
            {
                item.Run(_writer);
                Execute(_writer, "RELEASE item");
            }
            catch (Exception ex)
            {
                item.Fail(ex);
                Execute(_writer, "ROLLBACK TO item");
                Execute(_writer, "RELEASE item");
            }
        }

        try
        {
            Execute(_writer, "COMMIT");
        }
        catch (Exception ex)
        {
            try
            {
                Execute(_writer, "ROLLBACK");
            }
            catch (SqliteException)
            {
                // The transaction is already gone; nothing to undo.
            }

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

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await Task.Run(() => _writerThread.Join()).ConfigureAwait(false);
        try
        {
            Execute(_writer, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        catch (SqliteException)
        {
            // Readers may still hold the WAL; SQLite checkpoints on the next open.
        }

        _writer.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private abstract class WriteItem
    {
        public abstract void Run(SqliteConnection connection);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteItem<T>(Func<DbConnection, T> write) : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteConnection connection) => _result = write(connection);

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
