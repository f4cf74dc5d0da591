using System.Data.Common;
using System.Runtime.CompilerServices;
using Chatire.Core;
using Microsoft.Data.Sqlite;

namespace Chatire.Storage;

/// <summary>
/// The database the stores run on: reads on a connection lent for the call, writes each in a
/// transaction that has committed when the task completes. Two engines implement it — SQLite (one
/// file, one writer with group commit) and PostgreSQL (a pool, one transaction per write) — and the
/// stores above run the same code on both; where the SQL differs, <see cref="SqlDialect"/> says how.
/// </summary>
public abstract class Database : IAsyncDisposable
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Statements = new();

    public abstract SqlDialect Dialect { get; }

    /// <summary>Where the data lives, safe to show: a file path, or a URL with the password masked.</summary>
    public abstract string Display { get; }

    /// <summary>Opens (creating and migrating if needed) the database named by <paramref name="location"/>:
    /// a PostgreSQL URL, or else an SQLite file path.</summary>
    /// <exception cref="DatabaseException">It cannot be opened, or its schema is newer than this build.</exception>
    public static Database Open(string location, string synchronous = "FULL")
    {
        if (!DatabaseLocation.TryParse(location, out var parsed, out var error))
        {
            throw new DatabaseException(error!);
        }

        return parsed.IsPostgres ? PostgresDatabase.Open(parsed) : SqliteDatabase.OpenFile(location, synchronous);
    }

    /// <summary>Runs a read on a connection lent for the call.</summary>
    public abstract T Read<T>(Func<DbConnection, T> read);

    /// <summary>Runs a write in a transaction; completes after it has committed.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, T> write);

    /// <summary>A write that must start after every earlier call with the same <paramref name="key"/> (a
    /// socket's pipelined posts into one chat are stored in the order sent). SQLite's one writer keeps
    /// every write in call order already.</summary>
    public virtual Task<T> WriteInOrderAsync<T>(long key, Func<DbConnection, T> write) => WriteAsync(write);

    public Task WriteAsync(Action<DbConnection> write) => WriteAsync<bool>(connection =>
    {
        write(connection);
        return true;
    });

    /// <summary>Checks that the database answers.</summary>
    public abstract bool IsHealthy();

    public abstract ValueTask DisposeAsync();

    public static void Execute(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, sql, parameters).ExecuteNonQuery();

    public static T Scalar<T>(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        (T)Convert.ChangeType(Command(connection, sql, parameters).ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The command for <paramref name="sql"/> on <paramref name="connection"/>, with the parameters bound.
    /// On SQLite, commands are cached per connection and SQL text, so each statement is compiled once per
    /// connection; PostgreSQL prepares repeated statements itself (automatic preparation on the pooled
    /// connection). Do not dispose the command; dispose its readers. A connection is used by one thread at
    /// a time.</summary>
    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        if (connection is SqliteConnection sqlite)
        {
            var cache = Statements.GetOrCreateValue(sqlite);
            if (!cache.TryGetValue(sql, out var cached))
            {
                cached = sqlite.CreateCommand();
                cached.CommandText = sql;
                cache[sql] = cached;
            }

            cached.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                cached.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            return cached;
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
