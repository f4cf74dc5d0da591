using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Tokens;

/// <summary>One server for a test class whose tests do not interfere (each uses its own users).
/// Login limits are raised so failed-login tests in the class do not throttle each other.</summary>
public class SharedServer : IAsyncLifetime
{
    /// <summary>The storage the server runs on.</summary>
    public virtual TestBackend Backend => TestBackend.Sqlite;

    public TestServer Server { get; private set; } = null!;

    public ApiClient Api => Server.Api;

    public async Task InitializeAsync() =>
        Server = await TestServer.StartAsync(s => s with { LoginLimitAddress = 100_000, LoginLimitUser = 100_000, LoginLimitUserAddress = 100_000 }, backend: Backend);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A username no other test uses.</summary>
    public static string NewName(string prefix = "user") => prefix + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>The shared server on PostgreSQL.</summary>
public sealed class SharedPostgresServer : SharedServer
{
    public override TestBackend Backend => TestBackend.Postgres;
}
