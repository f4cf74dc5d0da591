using Chatire.Core;

namespace Chatire.Chat;

/// <summary>
/// Who is online in a chat on the other nodes of a cluster. The realtime layer reports its own joins
/// and leaves (a user's first socket in a chat on this node, and their last) and hears the other
/// nodes' through <see cref="IPresenceListener"/>. Not used on a single node (SQLite).
/// </summary>
public interface IClusterPresence
{
    /// <summary>The user's first socket in the chat on this node opened.</summary>
    void Joined(long chatId, User user);

    /// <summary>The user's last socket in the chat on this node closed.</summary>
    void Left(long chatId, long userId);

    /// <summary>Users online in the chat on other live nodes, with their node.</summary>
    IReadOnlyList<(string Node, User User)> Elsewhere(long chatId);
}

/// <summary>Hears presence changes made on other nodes.</summary>
public interface IPresenceListener
{
    void RemoteJoined(string node, long chatId, User user);

    void RemoteLeft(string node, long chatId, long userId);

    /// <summary>The node stopped or died: all its users leave every chat here.</summary>
    void NodeGone(string node);
}
