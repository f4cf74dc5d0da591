using Chatire.Auth;

namespace Chatire.Tests.Infrastructure;

/// <summary>Creates accounts and tokens straight through the server's own services (for tests whose
/// subject is not sign-up or login).</summary>
public static class TestUsers
{
    public static async Task<long> CreateAsync(TestServer server, string username, string password = ApiClient.DefaultPassword)
    {
        var s = server.Server;
        var accounts = new AccountService(s.Users, s.Tokens, s.Hasher, s.Clock);
        return (await accounts.CreateAsync(username, password)).Id;
    }

    /// <summary>Creates the user and returns a fresh access token of a new family.</summary>
    public static async Task<string> TokenAsync(TestServer server, string username)
    {
        var id = await CreateAsync(server, username);
        return (await server.Server.Tokens.CreatePairAsync(id)).Access;
    }
}
