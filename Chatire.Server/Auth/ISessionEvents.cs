namespace Chatire.Auth;

/// <summary>What auth tells the rest of the server when sessions end. The realtime layer implements
/// it to close the sockets that used the affected tokens; auth never imports the transport.</summary>
public interface ISessionEvents
{
    /// <summary>Tokens of <paramref name="userId"/> were revoked; <paramref name="isRevoked"/> says which token ids.</summary>
    void TokensRevoked(long userId, Func<long, bool> isRevoked);

    /// <summary>The account was deactivated or deleted.</summary>
    void UserDeactivated(long userId);
}

/// <summary>Used where nothing listens (the CLI).</summary>
public sealed class NoSessionEvents : ISessionEvents
{
    public static readonly NoSessionEvents Instance = new();

    public void TokensRevoked(long userId, Func<long, bool> isRevoked)
    {
    }

    public void UserDeactivated(long userId)
    {
    }
}
