using System.CommandLine;
using Chatire.Configuration;
using Chatire.Storage;

namespace Chatire.Cli;

/// <summary><c>chatire db ...</c>: back up, check and copy the database, also while the server runs.</summary>
public static class DbCommand
{
    public static Command Create(CliConsole console)
    {
        var db = new Command("db", """
            Back up, check and copy the database (backup and check are safe while the server is running).

            Examples:
              chatire db backup /var/backups/chatire-$(date +%F).db
              chatire db check
              chatire db check --db /var/backups/chatire-2026-11-22.db
              chatire db copy --from chatire.db --to postgres://chatire@db.internal/chatire
            """);
        db.Subcommands.Add(BackupCommand(console));
        db.Subcommands.Add(CheckCommand(console));
        db.Subcommands.Add(CopyCommand(console));
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
        var settings = SettingOptions.AddTo(command, [SettingNames.Db]);
        command.SetAction(async (parseResult, _) =>
        {
            var (_, resolved) = settings.Resolve(parseResult, console);
            if (Core.DatabaseLocation.LooksLikeUrl(resolved.DatabasePath))
            {
                throw new CliException("db backup copies SQLite files; for PostgreSQL use pg_dump (for example pg_dump --format=custom --file=chatire.dump DATABASE-URL).");
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
        var settings = SettingOptions.AddTo(command, [SettingNames.Db]);
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

    private static Command CopyCommand(CliConsole console)
    {
        var from = new Option<string>("--from") { Description = "The database to read: an SQLite file or a PostgreSQL URL.", Required = true };
        var to = new Option<string>("--to") { Description = "The empty database to fill: an SQLite file (created) or a PostgreSQL URL.", Required = true };
        var command = new Command("copy", """
            Copy everything - users with their password hashes, tokens, chats, members, and messages with
            their ids - from one database into an empty one, either way between SQLite and PostgreSQL.
            All or nothing: the copy is one transaction on the target. Stop the server first (posts made
            during the copy would be missed). Both databases are brought to this version's schema first.
            Passwords in URLs are better given through CHATIRE_DB-style variables than typed; the URL
            is shown with its password masked.

            Examples:
              chatire db copy --from /var/lib/chatire/chatire.db --to postgres://chatire:secret@db.internal/chatire
              chatire db copy --from postgres://chatire@db.internal/chatire --to restored.db
            """) { from, to };
        command.SetAction(async (parseResult, _) =>
        {
            var fromText = parseResult.GetValue(from)!;
            var toText = parseResult.GetValue(to)!;
            foreach (var text in new[] { fromText, toText })
            {
                if (!Core.DatabaseLocation.TryParse(text, out var parsed, out var error) || parsed is null)
                {
                    throw new CliException(error!, ExitCodes.Usage);
                }
            }

            if (!Core.DatabaseLocation.LooksLikeUrl(fromText) && !File.Exists(fromText))
            {
                throw new CliException($"The database file '{Path.GetFullPath(fromText)}' does not exist.");
            }

            try
            {
                await using var source = Database.Open(fromText);
                await using var target = Database.Open(toText);
                var lastDraw = 0L;
                var report = await DatabaseCopy.CopyAsync(source, target, (table, done, total) =>
                {
                    if (done == 0 || done == total || Environment.TickCount64 - lastDraw > 250)
                    {
                        lastDraw = Environment.TickCount64;
                        var filled = total == 0 ? 24 : (int)(24 * done / total);
                        console.Error.Write($"\r{table,-9} [{new string('#', filled)}{new string('.', 24 - filled)}] {done}/{total}".PadRight(60));
                        if (done == total)
                        {
                            console.Error.WriteLine();
                        }
                    }
                }).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"Copied {source.Display} to {target.Display}:").ConfigureAwait(false);
                foreach (var (table, rows) in report.Tables)
                {
                    await console.Out.WriteLineAsync($"  {table}: {rows}").ConfigureAwait(false);
                }
            }
            catch (DatabaseException ex)
            {
                throw new CliException(ex.Message);
            }
            catch (Core.DatabaseUnavailableException ex)
            {
                throw new CliException(ex.Message);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
