using Chatire.Core;
using Chatire.Http;

namespace Chatire.Api;

/// <summary>djoser's account endpoints: register, me, set_password.</summary>
public sealed class AccountsApi
{
    public Task<ApiResponse> Register(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> Me(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> DeleteMe(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> SetPassword(RequestContext context) => throw new ApiException(501, "Not implemented yet.");
}
