using Chatire.Core;
using Chatire.Http;

namespace Chatire.Api;

/// <summary>djoser token login/logout and the Simple JWT style create/refresh/verify/blacklist.</summary>
public sealed class TokensApi
{
    public Task<ApiResponse> Login(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> Logout(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> JwtCreate(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> JwtRefresh(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> JwtVerify(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> JwtBlacklist(RequestContext context) => throw new ApiException(501, "Not implemented yet.");
}
