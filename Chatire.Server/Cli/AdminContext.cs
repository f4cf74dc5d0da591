using System.CommandLine;
using Chatire.Auth;
using Chatire.Cluster;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Cli;

/// <summary>What admin commands work with: the database opened directly, with the settings serve uses.</summary>
public sealed class AdminContext : IAsyncDisposable
{
    private AdminContext(ChatireSettings settings, Database database)
    {
        Settings = settings;
        Database = database;
        Users = new UserStore(database);
        Tokens = new TokenService(database, new TokenStore(database), Users, settings, SystemClock.Instance);
        if (database is PostgresDatabase postgres)
        {
            Tokens.Subscribe(new ClusterSessionNotifier(postgres));
        }

        Accounts = new AccountService(Users, Tokens, new PasswordHasher(settings.BcryptCost, Serilog.Core.Logger.None), SystemClock.Instance);
    }

    public ChatireSettings Settings { get; }
    public Database Database { get; }
    public UserStore Users { get; }
    public TokenService Tokens { get; }
    public AccountService Accounts { get; }

    /// <summary>Opens the database of the settings. Only <paramref name="createIfMissing"/> commands
    /// (<c>user create</c>) make a new one, and say so; the others refuse a missing file, so a typo in
    /// --db does not leave an empty database behind.</summary>
    public static AdminContext Open(SettingOptions options, ParseResult parseResult, CliConsole console, bool createIfMissing = false)
    {
        var (_, settings) = options.Resolve(parseResult, console);
        var created = !DatabaseFile.Exists(settings.DatabasePath);
        if (created && !createIfMissing)
        {
            throw new CliException(DatabaseFile.Missing(settings.DatabasePath));
        }

        try
        {
            var context = new AdminContext(settings, Database.Open(settings.DatabasePath, settings.Synchronous));
            if (created)
            {
                console.Error.WriteLine($"Created new database {settings.DatabasePath}.");
            }

            return context;
        }
        catch (DatabaseException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    public User RequireUser(string username) =>
        Users.FindByUsername(username) ?? throw new CliException($"There is no user named '{username}'.");

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
