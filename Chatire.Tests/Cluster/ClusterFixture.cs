using Chatire.Configuration;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Cluster;

/// <summary>Several in-process nodes on one fresh PostgreSQL database.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(IReadOnlyList<TestServer> nodes) => Nodes = nodes;

    public IReadOnlyList<TestServer> Nodes { get; }

    public TestServer this[int index] => Nodes[index];

    public static async Task<TestCluster> StartAsync(int count, Func<ChatireSettings, ChatireSettings>? configure = null, string? database = null)
    {
        var nodes = new List<TestServer>();
        var first = await TestServer.StartAsync(configure, backend: TestBackend.Postgres, database: database);
        nodes.Add(first);
        for (var i = 1; i < count; i++)
        {
            var node = await TestServer.StartAsync(configure, backend: TestBackend.Postgres, database: first.DatabasePath);
            nodes.Add(node);
        }

        return new TestCluster(nodes);
    }

    public async ValueTask DisposeAsync()
    {
        // The first node owns the database and drops it, so it goes last.
        for (var i = Nodes.Count - 1; i >= 0; i--)
        {
            await Nodes[i].DisposeAsync();
        }
    }
}
