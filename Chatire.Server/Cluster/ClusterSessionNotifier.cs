using Chatire.Auth;
using Chatire.Storage;

namespace Chatire.Cluster;

/// <summary>Session events from an admin command (outside any node) sent to every node of the cluster,
/// which close the affected sockets and drop cached lookups. Sent before the command exits.</summary>
public sealed class ClusterSessionNotifier(PostgresDatabase database) : ISessionEvents
{
    public void TokensRevoked(long userId, Func<long, bool> isRevoked) =>
        ClusterBus.NotifySessionsAsync(database, userId, deactivated: false).GetAwaiter().GetResult();

    public void UserDeactivated(long userId) =>
        ClusterBus.NotifySessionsAsync(database, userId, deactivated: true).GetAwaiter().GetResult();
}
