using Chatire.Auth;
using Chatire.Core;

namespace Chatire.Tests.Infrastructure;

/// <summary>Creates accounts and tokens straight through the server's own services (for tests whose
/// subject is not sign-up or login).</summary>
public static class TestUsers
{
    public sealed record Account(User User, string Token, TokenRecord Record);

    public static AccountService Accounts(this TestServer server) =>
        new(server.Server.Users, server.Server.Tokens, server.Server.Hasher, server.Server.Clock);

    /// <summary>Creates <paramref name="username"/> and issues an auth_token for it.</summary>
    public static async Task<Account> CreateUserAsync(this TestServer server, string username)
    {
        var user = await server.Accounts().CreateAsync(username, ApiClient.DefaultPassword);
        var issued = await server.Server.Tokens.IssueAuthTokenAsync(user.Id);
        return new Account(user, issued.Value, issued.Record);
    }

    /// <summary>A new access token (with its own family) for an existing user.</summary>
    public static async Task<string> NewAccessTokenAsync(this TestServer server, User user) =>
        (await server.Server.Tokens.CreatePairAsync(user.Id)).Access;

    /// <summary>Creates the user and returns a fresh access token of a new family.</summary>
    public static async Task<string> TokenAsync(TestServer server, string username)
    {
        var account = await server.CreateUserAsync(username);
        return await server.NewAccessTokenAsync(account.User);
    }
}
