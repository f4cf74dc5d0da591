using Chatire.Core;
using Chatire.Http;

namespace Chatire.Api;

/// <summary>Chatire's chat sessions and their messages.</summary>
public sealed class ChatsApi
{
    public Task<ApiResponse> List(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> Create(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> Detail(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> Join(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> History(RequestContext context) => throw new ApiException(501, "Not implemented yet.");

    public Task<ApiResponse> Post(RequestContext context) => throw new ApiException(501, "Not implemented yet.");
}
