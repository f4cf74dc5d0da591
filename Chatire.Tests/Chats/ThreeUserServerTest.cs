using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Chats;

/// <summary>A test class's own server (message rate off) with alice, bob and carol signed up. The storage
/// is SQLite; a subclass that overrides <see cref="Backend"/> runs every test on PostgreSQL.</summary>
public abstract class ThreeUserServerTest : IAsyncLifetime
{
    protected virtual TestBackend Backend => TestBackend.Sqlite;

    protected TestServer Server { get; private set; } = null!;

    protected TestUsers.Account Alice { get; private set; } = null!;

    protected TestUsers.Account Bob { get; private set; } = null!;

    protected TestUsers.Account Carol { get; private set; } = null!;

    protected ApiClient Api => Server.Api;

    public virtual async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(s => s with { MessageRate = 0 }, backend: Backend);
        Alice = await Server.CreateUserAsync("alice");
        Bob = await Server.CreateUserAsync("bob");
        Carol = await Server.CreateUserAsync("carol");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
