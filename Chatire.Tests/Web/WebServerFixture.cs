using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Web;

/// <summary>One server with the web client on, shared by the tests of a class (they only read).</summary>
public sealed class WebServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
