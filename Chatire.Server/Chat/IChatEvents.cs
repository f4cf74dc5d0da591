using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>What the chat domain announces; the realtime layer implements it to deliver frames. Timeline
/// calls (<see cref="MessagePublished"/>, <see cref="MessageChanged"/>) for one chat come one at a time, in
/// position order; the others come after the change they report has committed.</summary>
public interface IChatEvents
{
    /// <summary>A message was committed and every timeline entry of the chat before it was announced.</summary>
    void MessagePublished(AuthoredMessage message);

    /// <summary>A message was edited or deleted (<see cref="TimelineEntry.Kind"/>); ordered with the messages.</summary>
    void MessageChanged(TimelineEntry change);

    /// <summary>A chat was created, renamed, deleted, or gained or lost a member.</summary>
    void ChatChanged(ChatChange change);

    /// <summary>A member's read marker moved forward.</summary>
    void ReadMoved(ReadMarker marker);

    /// <summary>A member is typing (never stored).</summary>
    void Typing(long chatId, User user);
}

public enum ChatChangeKind
{
    Created,
    Renamed,
    MemberAdded,
    MemberRemoved,
    Deleted,
}

/// <summary>A change of a chat itself. <see cref="Member"/> is the user added or removed.</summary>
public sealed record ChatChange(ChatChangeKind Kind, Core.Chat Chat, User? Member = null);

/// <summary>Where <see cref="User"/>'s read marker in the chat now stands.</summary>
public sealed record ReadMarker(long ChatId, User User, long UpTo);

/// <summary>Used where nothing listens.</summary>
public sealed class NoChatEvents : IChatEvents
{
    public static readonly NoChatEvents Instance = new();

    public void MessagePublished(AuthoredMessage message)
    {
    }

    public void MessageChanged(TimelineEntry change)
    {
    }

    public void ChatChanged(ChatChange change)
    {
    }

    public void ReadMoved(ReadMarker marker)
    {
    }

    public void Typing(long chatId, User user)
    {
    }
}
