using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>What the chat domain announces; the realtime layer implements it to deliver messages.
/// Calls for one chat come one at a time, in message id order.</summary>
public interface IChatEvents
{
    /// <summary>A message was committed and every message of the chat with a smaller id was announced before it.</summary>
    void MessagePublished(AuthoredMessage message);
}

/// <summary>Used where nothing listens.</summary>
public sealed class NoChatEvents : IChatEvents
{
    public static readonly NoChatEvents Instance = new();

    public void MessagePublished(AuthoredMessage message)
    {
    }
}
