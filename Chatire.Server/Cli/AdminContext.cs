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

        Accounts = new AccountService(Users, Tokens, new PasswordHasher(settings.Pbkdf2Iterations), SystemClock.Instance);
    }

    public ChatireSettings Settings { get; }
    public Database Database { get; }
    public UserStore Users { get; }
    public TokenService Tokens { get; }
    public AccountService Accounts { get; }

    /// <summary>The settings flags admin commands take.</summary>
    public static readonly SettingDefinition[] Flags = [SettingNames.Db, SettingNames.Pbkdf2Iterations];

    public static AdminContext Open(SettingOptions options, ParseResult parseResult, CliConsole console)
    {
        var (_, settings) = options.Resolve(parseResult, console);
        try
        {
            return new AdminContext(settings, Database.Open(settings.DatabasePath, settings.Synchronous));
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
