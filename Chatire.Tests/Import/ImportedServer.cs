using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Import;

/// <summary>The fixture imported into a fresh Chatire database, served by the real server.</summary>
public class ImportedServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-tests", "import-" + Guid.NewGuid().ToString("N"));

    public DjangoFixture.Manifest Manifest { get; } = DjangoFixture.Load();
    public CliRunner.Result Import { get; private set; } = null!;
    public TestServer Server { get; private set; } = null!;

    /// <summary>The target of the import: an SQLite file here, a fresh PostgreSQL database in <see cref="ImportedPostgresServer"/>.</summary>
    protected virtual Task<string> CreateTargetAsync(string directory) => Task.FromResult(Path.Combine(directory, "chatire.db"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var target = await CreateTargetAsync(_directory);
        Import = await CliRunner.RunAsync(["db", "import-django", DjangoFixture.DatabasePath, "--db", target, "--token-lifetime", "30d"]);
        Assert.True(Import.ExitCode == 0, Import.Error);
        Server = await TestServer.StartAsync(settings => settings with { DatabasePath = target });
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The same import into a PostgreSQL database (a cluster's target).</summary>
public sealed class ImportedPostgresServer : ImportedServer
{
    private string? _url;

    protected override async Task<string> CreateTargetAsync(string directory) => _url = await TestPostgres.CreateDatabaseAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_url is not null)
        {
            await TestPostgres.DropDatabaseAsync(_url);
        }
    }
}
