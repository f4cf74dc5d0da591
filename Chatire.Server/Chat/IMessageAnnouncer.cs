using System.Data.Common;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>
/// How a chat's timeline (new messages, edits, deletes) reaches the <see cref="IChatEvents"/> listeners:
/// in this process only (<see cref="MessageSequencer"/>, SQLite) or on every node of a cluster (the
/// PostgreSQL bus). Either way a chat's entries are announced one at a time, in position order, after
/// they commit.
/// </summary>
public interface IMessageAnnouncer
{
    /// <summary>Sets who hears about the timeline on this node.</summary>
    void Subscribe(IChatEvents events);

    /// <summary>Called inside the write that stored <paramref name="entry"/>, before it commits.</summary>
    void Stored(DbConnection connection, TimelineEntry entry);

    /// <summary>The write that called <see cref="Stored"/> failed; the entry will never be announced.</summary>
    void Failed(long chatId, long position);

    /// <summary>The write committed; completes once this node's listeners have the entry.</summary>
    Task Committed(TimelineEntry entry);
}
