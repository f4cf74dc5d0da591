using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Import;

/// <summary>The fixture imported into a fresh Chatire database, served by the real server.</summary>
public sealed class ImportedServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-tests", "import-" + Guid.NewGuid().ToString("N"));

    public DjangoFixture.Manifest Manifest { get; } = DjangoFixture.Load();
    public CliRunner.Result Import { get; private set; } = null!;
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var target = Path.Combine(_directory, "chatire.db");
        Import = await CliRunner.RunAsync(["db", "import-django", DjangoFixture.DatabasePath, "--db", target, "--token-lifetime", "30d"]);
        Assert.True(Import.ExitCode == 0, Import.Error);
        Server = await TestServer.StartAsync(settings => settings with { DatabasePath = target });
    }

    public async Task DisposeAsync()
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
