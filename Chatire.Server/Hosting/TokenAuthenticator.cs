using Chatire.Auth;
using Chatire.Core;
using Chatire.Http;

namespace Chatire.Hosting;

/// <summary>Connects the HTTP layer's authenticator interface to the token service.</summary>
public sealed class TokenAuthenticator(TokenService tokens) : IRequestAuthenticator
{
    public Principal Authenticate(string token) => tokens.Authenticate(token);
}
