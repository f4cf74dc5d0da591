using System.Net;
using System.Net.Sockets;
using Chatire.Configuration;
using Chatire.Hosting;

namespace Chatire.Tests.Infrastructure;

/// <summary>
/// The real server, in-process, on a free loopback port with a temporary database and a low PBKDF2
/// cost. Each test class (or test) starts its own.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ChatireServer server, string directory, LogCapture logs, TestClock clock, string? postgresUrl)
    {
        _postgresUrl = postgresUrl;
        Server = server;
        Directory = directory;
        Logs = logs;
        Clock = clock;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Api = new ApiClient(Http);
    }

    private readonly string? _postgresUrl;
    private bool _keepDatabase;

    public ChatireServer Server { get; }
    public string Directory { get; }
    public LogCapture Logs { get; }
    public TestClock Clock { get; }
    public HttpClient Http { get; }
    public ApiClient Api { get; }
    public Uri BaseAddress => Server.BaseAddress;
    public string DatabasePath => Server.Settings.DatabasePath;

    /// <summary>ws://127.0.0.1:port/path (the main port unless <paramref name="port"/> is given).</summary>
    public Uri WebSocketUri(string pathAndQuery, int? port = null) => new($"ws://127.0.0.1:{port ?? Server.Port}{pathAndQuery}");

    /// <summary>The defaults tests start from: temp database, loopback, cheap hashing, quiet timers.</summary>
    public static ChatireSettings DefaultSettings(string directory) => new()
    {
        Host = "127.0.0.1",
        DatabasePath = Path.Combine(directory, "chatire.db"),
        Pbkdf2Iterations = 1000,
        LogLevel = "debug",
    };

    /// <param name="backend">SQLite (a temp file) or PostgreSQL (a fresh database on the test server, dropped at the end).</param>
    /// <param name="database">An existing database to use instead (a cluster test's second node); it is not dropped.</param>
    public static async Task<TestServer> StartAsync(Func<ChatireSettings, ChatireSettings>? configure = null, ServerOptions? options = null, TestClock? clock = null,
        TestBackend backend = TestBackend.Sqlite, string? database = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "chatire-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var ownsDatabase = database is null && backend == TestBackend.Postgres;
        if (ownsDatabase)
        {
            database = await TestPostgres.CreateDatabaseAsync();
        }

        var logs = new LogCapture();
        clock ??= new TestClock();
        for (var attempt = 1; ; attempt++)
        {
            var settings = DefaultSettings(directory) with { Port = FreePort() };
            if (database is not null)
            {
                settings = settings with { DatabasePath = database };
            }

            settings = configure?.Invoke(settings) ?? settings;
            if (settings.WsPort == -1)
            {
                settings = settings with { WsPort = FreePort() };
            }

            try
            {
                var server = await ChatireServer.StartAsync(settings, (options ?? new ServerOptions()) with { Logger = logs.Logger, Clock = clock });
                return new TestServer(server, directory, logs, clock, ownsDatabase ? database : null);
            }
            catch (ServerStartException) when (attempt < 10)
            {
                // Another process took the port between probing and binding; try another.
            }
        }
    }

    /// <summary>A port free right now (HttpListener cannot bind port 0).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Leaves the PostgreSQL database in place when this server is disposed (another node still uses it).</summary>
    public void KeepDatabase() => _keepDatabase = true;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        if (_postgresUrl is not null && !_keepDatabase)
        {
            await TestPostgres.DropDatabaseAsync(_postgresUrl);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
