namespace Chatire.Core;

public static class Usernames
{
    /// <summary>The key a username is unique and looked up under: case-insensitive.</summary>
    public static string Key(string username) => username.ToUpperInvariant().ToLowerInvariant();
}
