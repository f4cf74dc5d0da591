using Chatire.Core;

namespace Chatire.Http;

/// <summary>Resolves the caller from a token. Implemented outside the HTTP layer.</summary>
public interface IRequestAuthenticator
{
    /// <summary>The principal for an access-capable token; throws 401 token_not_valid when it is not valid.</summary>
    Principal Authenticate(string token);
}
