using System.Data.Common;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>
/// How a stored message reaches the <see cref="IChatEvents"/> listeners: in this process only
/// (<see cref="MessageSequencer"/>, SQLite) or on every node of a cluster (the PostgreSQL bus). Either
/// way a chat's messages are announced one at a time, in id order, after they commit.
/// </summary>
public interface IMessageAnnouncer
{
    /// <summary>Sets who hears about new messages on this node.</summary>
    void Subscribe(IChatEvents events);

    /// <summary>Called inside the write that inserted <paramref name="message"/>, before it commits.</summary>
    void Stored(DbConnection connection, AuthoredMessage message);

    /// <summary>The write that called <see cref="Stored"/> failed; the message will never be announced.</summary>
    void Failed(long chatId, long id);

    /// <summary>The write committed; completes once this node's listeners have the message.</summary>
    Task Committed(AuthoredMessage message);
}
