using Chatire.Core;
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

    public void MessageChanged(TimelineEntry change)
    {
        foreach (var listener in listeners)
        {
            listener.MessageChanged(change);
        }
    }

    public void ChatChanged(ChatChange change)
    {
        foreach (var listener in listeners)
        {
            listener.ChatChanged(change);
        }
    }

    public void ReadMoved(ReadMarker marker)
    {
        foreach (var listener in listeners)
        {
            listener.ReadMoved(marker);
        }
    }

    public void Typing(long chatId, User user)
    {
        foreach (var listener in listeners)
        {
            listener.Typing(chatId, user);
        }
    }
}
