using System.Data.Common;
using System.Threading.Channels;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Storage;
using Serilog;

namespace Chatire.Cluster;

/// <summary>
/// Presence across nodes: the table <c>presence</c> holds which users are online in which chat on which
/// node, and every change is announced on the bus. A node's changes are written one at a time, in the
/// order they happened. A node silent for <see cref="NodeHeartbeat.Alive"/> is dead: the first node to
/// notice deletes its rows and announces it gone, and every node lets its users leave.
/// </summary>
public sealed class ClusterPresence(PostgresDatabase database, string node, ILogger log) : IClusterPresence, IAsyncDisposable
{
    private const string InsertSql = "INSERT INTO presence (node, chat_id, user_id) VALUES (@node, @chat, @user) ON CONFLICT DO NOTHING";
    private const string DeleteSql = "DELETE FROM presence WHERE node = @node AND chat_id = @chat AND user_id = @user";
    private const string DeleteNodeSql = "DELETE FROM presence WHERE node = @node";
    private const string ElsewhereSql = """
        SELECT p.node, u.id, u.username, u.email, u.first_name, u.last_name, u.password, u.is_active, u.is_staff, u.date_joined, u.last_login
        FROM presence p JOIN users u ON u.id = p.user_id JOIN cluster_nodes n ON n.id = p.node
        WHERE p.chat_id = @chat AND p.node <> @node AND n.seen > now() - make_interval(secs => @alive)
        """;
    private const string DeadNodesSql = """
        SELECT DISTINCT p.node FROM presence p LEFT JOIN cluster_nodes n ON n.id = p.node
        WHERE p.node <> @node AND (n.id IS NULL OR n.seen <= now() - make_interval(secs => @alive))
        """;

    private readonly Channel<Action<DbConnection>> _writes = Channel.CreateUnbounded<Action<DbConnection>>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _writer;

    public void Start() => _writer = Task.Run(WriteLoopAsync);

    public void Joined(long chatId, User user) => _writes.Writer.TryWrite(c =>
    {
        Database.Execute(c, InsertSql, ("@node", node), ("@chat", chatId), ("@user", user.Id));
        ClusterBus.Notify(c, new BusEvent(BusEvent.Presence, node, ClusterBus.NowMicros(), ChatId: chatId, UserId: user.Id, Author: BusAuthor.From(user), Online: true));
    });

    public void Left(long chatId, long userId) => _writes.Writer.TryWrite(c =>
    {
        Database.Execute(c, DeleteSql, ("@node", node), ("@chat", chatId), ("@user", userId));
        ClusterBus.Notify(c, new BusEvent(BusEvent.Presence, node, ClusterBus.NowMicros(), ChatId: chatId, UserId: userId));
    });

    public IReadOnlyList<(string Node, User User)> Elsewhere(long chatId) => database.Read(c =>
    {
        var command = Database.Command(c, ElsewhereSql, ("@chat", chatId), ("@node", node), ("@alive", NodeHeartbeat.Alive.TotalSeconds));
        using var reader = command.ExecuteReader();
        var online = new List<(string, User)>();
        while (reader.Read())
        {
            online.Add((reader.GetString(0), ChatStore.MapUser(reader, 1)));
        }

        return online;
    });

    /// <summary>Drops the rows of nodes that stopped beating and tells every node they are gone.</summary>
    public void SweepDeadNodes()
    {
        try
        {
            var dead = database.Read(c =>
            {
                var command = Database.Command(c, DeadNodesSql, ("@node", node), ("@alive", NodeHeartbeat.Alive.TotalSeconds));
                using var reader = command.ExecuteReader();
                var nodes = new List<string>();
                while (reader.Read())
                {
                    nodes.Add(reader.GetString(0));
                }

                return nodes;
            });
            foreach (var gone in dead)
            {
                database.WriteAsync(c => Forget(c, gone)).GetAwaiter().GetResult();
                log.Information("Node {Node} stopped answering; its users left their chats", gone);
            }
        }
        catch (Exception ex)
        {
            log.Debug("Presence sweep failed: {Error}", ex.Message);
        }
    }

    /// <summary>Deletes the node's rows; only the deleting transaction that found rows announces it gone.</summary>
    private static void Forget(DbConnection c, string gone)
    {
        if (Database.Command(c, DeleteNodeSql, ("@node", gone)).ExecuteNonQuery() > 0)
        {
            ClusterBus.Notify(c, new BusEvent(BusEvent.NodeGone, gone, ClusterBus.NowMicros()));
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await database.WriteAsync(write).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Other nodes catch up when this node is swept or stops; a lost join shows as absent.
                log.Warning("Could not share a presence change with the other nodes: {Error}", ex.Message);
            }
        }
    }

    /// <summary>Writes what is queued, then removes this node's rows and tells the others it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        try
        {
            await database.WriteAsync(c =>
            {
                Database.Execute(c, DeleteNodeSql, ("@node", node));
                ClusterBus.Notify(c, new BusEvent(BusEvent.NodeGone, node, ClusterBus.NowMicros()));
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Debug("Could not remove this node's presence: {Error}", ex.Message);
        }
    }
}
