using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>Passes each announcement to several listeners, in the order given.</summary>
public sealed class ChatEventFanout(params IChatEvents[] listeners) : IChatEvents
{
    public void MessagePublished(AuthoredMessage message)
    {
        foreach (var listener in listeners)
        {
            listener.MessagePublished(message);
        }
    }
}
