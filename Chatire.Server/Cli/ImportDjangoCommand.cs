using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Chatire.Bench;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Import;
using Chatire.Storage;
using Microsoft.Data.Sqlite;

namespace Chatire.Cli;

/// <summary><c>chatire db import-django SOURCE</c>: fills an empty Chatire database from a Django Chatire one.</summary>
public static class ImportDjangoCommand
{
    public static Command Create(CliConsole console)
    {
        var source = new Argument<string>("source") { Description = "The Django Chatire SQLite database (its db.sqlite3). It is only read." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read everything and print the report, but write nothing." };
        var tokens = new Option<string>("--tokens")
        {
            Description = "keep: every DRF token becomes an auth token of its user, valid for --token-lifetime from now; drop: users log in again.",
            DefaultValueFactory = _ => "keep",
        };
        tokens.AcceptOnlyFromAmong("keep", "drop");
        var command = new Command("import-django", """
            Move a Django Chatire deployment (Django + DRF + djoser + the chat app) to Chatire: users with their
            ids, password hashes (pbkdf2_sha256, bcrypt_sha256) and flags, chats under their old uris with the
            owner as first member, every message in order with its author and time, and DRF tokens, so
            `Authorization: Token <key>` clients keep working. The target (--db) must be empty or not exist yet;
            everything is written in one transaction, or nothing. Rows that cannot be stored are skipped and
            listed in the report; rows today's rules would refuse (long messages, odd usernames) are imported
            as they are and listed as warnings. Stop Django (or let it idle) while importing.

            Examples:
              chatire db import-django /srv/django-chatire/db.sqlite3 --dry-run
              chatire db import-django /srv/django-chatire/db.sqlite3 --db /var/lib/chatire/chatire.db
              chatire db import-django db.sqlite3 --tokens keep --token-lifetime 90d
              chatire db import-django db.sqlite3 --tokens drop
            """) { source, dryRun, tokens };
        var settings = SettingOptions.AddTo(command, [SettingNames.Db, SettingNames.TokenLifetime]);
        command.SetAction(async (parseResult, _) =>
        {
            var (_, resolved) = settings.Resolve(parseResult, console);
            var request = new Request(parseResult.GetValue(source)!,
                DatabaseLocation.LooksLikeUrl(resolved.DatabasePath) ? resolved.DatabasePath : Path.GetFullPath(resolved.DatabasePath), parseResult.GetValue(dryRun),
                new ImportOptions(parseResult.GetValue(tokens) == "keep", DateTimeOffset.UtcNow, resolved.TokenLifetime));
            try
            {
                return await RunAsync(request, console).ConfigureAwait(false);
            }
            catch (ImportException ex)
            {
                throw new CliException(ex.Message);
            }
        });
        return command;
    }

    private sealed record Request(string Source, string Target, bool DryRun, ImportOptions Options)
    {
        /// <summary>The target as shown: a PostgreSQL URL with its password masked.</summary>
        public string TargetDisplay => DatabaseLocation.Mask(Target);
    }

    private static async Task<int> RunAsync(Request request, CliConsole console)
    {
        using var source = DjangoSource.Open(request.Source);
        if (string.Equals(source.Path, request.Target, StringComparison.Ordinal))
        {
            throw new ImportException($"The source and the target are the same file '{source.Path}'; give the Chatire database with --db.");
        }

        var total = source.CountMessages();
        var importer = new DjangoImporter(source, request.Options);
        var started = Stopwatch.StartNew();
        ImportReport? report = null;
        if (request.DryRun)
        {
            // A PostgreSQL target is checked when importing: looking into it here could migrate its schema.
            var target = new DryRunTarget(DatabaseLocation.LooksLikeUrl(request.Target) ? null : ImportTarget.RefusalReadOnly(request.Target));
            await WithProgressAsync(console, importer, total, () => target.RunAsync(writer => report = importer.Run(writer))).ConfigureAwait(false);
        }
        else
        {
            await ImportAsync(request.Target, console, importer, total, writer => report = importer.Run(writer)).ConfigureAwait(false);
        }

        var output = console.Out;
        var elapsed = started.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        await output.WriteLineAsync(request.DryRun
            ? $"Dry run: read '{source.Path}' in {elapsed} s and wrote nothing. An import into '{request.TargetDisplay}' would bring over:"
            : $"Imported '{source.Path}' into '{request.TargetDisplay}' in {elapsed} s:").ConfigureAwait(false);
        foreach (var line in report!.Lines())
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Runs the import in one transaction of the target; a target file this import created is
    /// removed again when it fails, so a failed import leaves nothing behind.</summary>
    private static async Task ImportAsync(string path, CliConsole console, DjangoImporter importer, long total, Action<IImportWriter> import)
    {
        var isUrl = DatabaseLocation.LooksLikeUrl(path);
        var existed = isUrl || File.Exists(path);
        if (existed && !isUrl && ImportTarget.RefusalReadOnly(path) is { } refusal)
        {
            // Refused before opening it for writing: a file of another application is never migrated.
            throw new ImportException(refusal);
        }

        Database database;
        try
        {
            database = Database.Open(path);
        }
        catch (DatabaseException ex)
        {
            throw new ImportException(ex.Message, ex);
        }

        var done = false;
        try
        {
            await WithProgressAsync(console, importer, total, () => new ImportTarget(database).RunAsync(import)).ConfigureAwait(false);
            done = true;
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new ImportException($"Writing to '{DatabaseLocation.Mask(path)}' failed, so nothing was imported ({ex.Message.TrimEnd('.')}).", ex);
        }
        finally
        {
            await database.DisposeAsync().ConfigureAwait(false);
            if (!done && !existed)
            {
                SqliteConnection.ClearAllPools();
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }
            }
        }
    }

    private static async Task WithProgressAsync(CliConsole console, DjangoImporter importer, long total, Func<Task> run)
    {
        var terminal = ProgressBar.TerminalOrNull(console.Error, enabled: true);
        await using (new ProgressBar(terminal, "import", () => total == 0 ? 1 : (double)importer.MessagesRead / total,
            () => string.Create(CultureInfo.InvariantCulture, $"{importer.MessagesRead:N0}/{total:N0} messages")))
        {
            await run().ConfigureAwait(false);
        }
    }
}
