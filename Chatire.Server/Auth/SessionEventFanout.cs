namespace Chatire.Auth;

/// <summary>Passes each session event to several listeners, in the order given (this node's sockets, then the other nodes).</summary>
public sealed class SessionEventFanout(params ISessionEvents[] listeners) : ISessionEvents
{
    public void TokensRevoked(long userId, Func<long, bool> isRevoked)
    {
        foreach (var listener in listeners)
        {
            listener.TokensRevoked(userId, isRevoked);
        }
    }

    public void UserDeactivated(long userId)
    {
        foreach (var listener in listeners)
        {
            listener.UserDeactivated(userId);
        }
    }
}
