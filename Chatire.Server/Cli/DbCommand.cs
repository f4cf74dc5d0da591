using System.CommandLine;
using Chatire.Configuration;
using Chatire.Storage;

namespace Chatire.Cli;

/// <summary><c>chatire db ...</c>: back up and check the database file, also while the server runs.</summary>
public static class DbCommand
{
    public static Command Create(CliConsole console)
    {
        var db = new Command("db", """
            Back up and check the SQLite database (safe while the server is running), or fill a new one
            from a Django Chatire database.

            Examples:
              chatire db backup /var/backups/chatire-$(date +%F).db
              chatire db check
              chatire db check --db /var/backups/chatire-2026-11-22.db
              chatire db import-django /srv/chatire/db.sqlite3 --db chatire.db
            """);
        db.Subcommands.Add(BackupCommand(console));
        db.Subcommands.Add(CheckCommand(console));
        db.Subcommands.Add(ImportDjangoCommand.Create(console));
        return db;
    }

    private static Command BackupCommand(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "Where to write the backup (a complete SQLite database file)." };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists." };
        var command = new Command("backup", """
            Copy the database into FILE as one consistent snapshot, using SQLite's online backup API:
            the server keeps serving and writing meanwhile. The copy is checked before it replaces FILE.
            Restore by stopping the server and putting the file in place of the database.

            Examples:
              chatire db backup /var/backups/chatire.db --force
              chatire db backup backup.db --db /var/lib/chatire/chatire.db
            """) { file, force };
        var settings = SettingOptions.AddTo(command, CommandSettings.Data);
        command.SetAction(async (parseResult, _) =>
        {
            var (_, resolved) = settings.Resolve(parseResult, console);
            if (!DatabaseFile.Exists(resolved.DatabasePath))
            {
                throw new CliException(DatabaseFile.Missing(resolved.DatabasePath));
            }

            var destination = Path.GetFullPath(parseResult.GetValue(file)!);
            int version;
            try
            {
                version = DatabaseMaintenance.Backup(resolved.DatabasePath, destination, parseResult.GetValue(force));
            }
            catch (DatabaseException ex)
            {
                throw new CliException(ex.Message);
            }

            var size = new FileInfo(destination).Length;
            await console.Out.WriteLineAsync($"Backed up '{Path.GetFullPath(resolved.DatabasePath)}' to '{destination}' ({size} bytes, schema version {version}).").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CheckCommand(CliConsole console)
    {
        var command = new Command("check", """
            Check the database: SQLite's integrity check, foreign keys, and that its schema version is one
            this chatire can use. Prints "ok" and exits 0, or lists the problems and exits 1.

            Examples:
              chatire db check
              chatire db check --db /var/backups/chatire.db
            """);
        var settings = SettingOptions.AddTo(command, CommandSettings.Data);
        command.SetAction(async (parseResult, _) =>
        {
            var (_, resolved) = settings.Resolve(parseResult, console);
            var report = DatabaseMaintenance.Check(resolved.DatabasePath);
            var output = console.Out;
            await output.WriteLineAsync($"database: {report.Path}").ConfigureAwait(false);
            await output.WriteLineAsync($"schema version: {(report.SchemaVersion is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")} (this chatire: {Migrations.LatestVersion})").ConfigureAwait(false);
            foreach (var note in report.Notes)
            {
                await output.WriteLineAsync($"note: {note}").ConfigureAwait(false);
            }

            if (report.Ok)
            {
                await output.WriteLineAsync("ok").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var problem in report.Problems)
            {
                await console.Error.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"not ok: {report.Problems.Count} problem(s)").ConfigureAwait(false);
            return ExitCodes.Failure;
        });
        return command;
    }
}
