using Microsoft.Data.Sqlite;

namespace Chatire.Storage;

/// <summary>
/// Operator tasks on a database file, safe while the server is using it: an online backup through
/// SQLite's backup API (a consistent snapshot; with WAL the server keeps writing meanwhile) and a
/// health check (integrity, foreign keys, schema version). Neither changes the source file.
/// </summary>
public static class DatabaseMaintenance
{
    /// <summary>What <see cref="Check"/> found. <see cref="Problems"/> is empty when the file is fine.</summary>
    public sealed record CheckReport(string Path, int? SchemaVersion, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
    {
        public bool Ok => Problems.Count == 0;
    }

    /// <summary>How many problems integrity_check reports at most (it stops there).</summary>
    private const int MaxIntegrityProblems = 20;

    /// <summary>
    /// Copies <paramref name="sourcePath"/> to <paramref name="destinationPath"/> as one consistent
    /// snapshot. The copy is written beside the destination under a temporary name, checked, and then
    /// renamed into place, so the destination is either the complete backup or untouched.
    /// </summary>
    /// <returns>The schema version of the copy.</returns>
    /// <exception cref="DatabaseException">The source is missing or unusable, or the copy failed its check.</exception>
    public static int Backup(string sourcePath, string destinationPath, bool overwrite)
    {
        SQLitePCL.Batteries_V2.Init();
        var source = System.IO.Path.GetFullPath(sourcePath);
        var destination = System.IO.Path.GetFullPath(destinationPath);
        if (!File.Exists(source))
        {
            throw new DatabaseException($"The database file '{source}' does not exist.");
        }

        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            throw new DatabaseException("The backup file must not be the database file itself.");
        }

        if (File.Exists(destination) && !overwrite)
        {
            throw new DatabaseException($"The backup file '{destination}' already exists (use --force to replace it).");
        }

        var directory = System.IO.Path.GetDirectoryName(destination);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DatabaseException($"The directory of the backup file '{destination}' does not exist.");
        }

        var temporary = $"{destination}.partial-{Environment.ProcessId}";
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadWrite))
            using (var to = Open(temporary, SqliteOpenMode.ReadWriteCreate))
            {
                Database.Execute(from, "PRAGMA busy_timeout=5000");
                from.BackupDatabase(to);

                // A self-contained single file: no -wal/-shm beside the copy.
                Database.Scalar<string>(to, "PRAGMA journal_mode=DELETE");
            }

            var report = Check(temporary);
            if (!report.Ok)
            {
                throw new DatabaseException($"The backup copy failed its check: {string.Join("; ", report.Problems)}");
            }

            File.Move(temporary, destination, overwrite);
            return report.SchemaVersion ?? 0;
        }
        catch (SqliteException ex)
        {
            throw new DatabaseException($"The backup of '{source}' failed: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + "-journal");
        }
    }

    /// <summary>Runs integrity_check and foreign_key_check (SQLite), or the consistency checks of a
    /// PostgreSQL database, and compares the schema version with this build's.</summary>
    public static CheckReport Check(string path)
    {
        if (Core.DatabaseLocation.TryParse(path, out var location, out _) && location.IsPostgres)
        {
            return PostgresCheck.Run(location);
        }

        SQLitePCL.Batteries_V2.Init();
        var fullPath = System.IO.Path.GetFullPath(path);
        var problems = new List<string>();
        var notes = new List<string>();
        if (!File.Exists(fullPath))
        {
            problems.Add("the database file does not exist");
            return new CheckReport(fullPath, null, problems, notes);
        }

        int? version = null;
        try
        {
            using var connection = Open(fullPath, SqliteOpenMode.ReadWrite);
            Database.Execute(connection, "PRAGMA busy_timeout=5000");
            version = Migrations.CurrentVersion(connection);

            var integrity = Rows(connection, $"PRAGMA integrity_check({MaxIntegrityProblems})", reader => reader.GetString(0));
            if (integrity is not ["ok"])
            {
                problems.AddRange(integrity.Select(line => $"integrity: {line}"));
            }

            var orphans = Rows(connection, "PRAGMA foreign_key_check", reader => $"{reader.GetString(0)} row {(reader.IsDBNull(1) ? "?" : reader.GetInt64(1))} refers to a missing {reader.GetString(2)} row");
            problems.AddRange(orphans.Take(MaxIntegrityProblems).Select(line => $"foreign key: {line}"));
        }
        catch (SqliteException ex)
        {
            problems.Add($"cannot be read as a SQLite database: {ex.Message}");
            return new CheckReport(fullPath, version, problems, notes);
        }

        CompareVersion(version, problems, notes);
        return new CheckReport(fullPath, version, problems, notes);
    }

    /// <summary>Adds what the schema version means for this build.</summary>
    internal static void CompareVersion(int? version, List<string> problems, List<string> notes)
    {
        if (version is 0)
        {
            problems.Add("not a Chatire database (schema version 0: no tables were ever created)");
        }
        else if (version > Migrations.LatestVersion)
        {
            problems.Add($"schema version {version} is newer than this chatire knows ({Migrations.LatestVersion}); use a newer chatire");
        }
        else if (version < Migrations.LatestVersion)
        {
            notes.Add($"schema version {version} will be upgraded to {Migrations.LatestVersion} when the server next starts");
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static List<T> Rows<T>(SqliteConnection connection, string sql, Func<System.Data.Common.DbDataReader, T> map)
    {
        var command = Database.Command(connection, sql);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
