using Chatire.Core;
using Chatire.Http;

namespace Chatire.Web;

/// <summary>Serves the built-in browser client from embedded resources.</summary>
public sealed class WebClient
{
    public Task<ApiResponse> Serve(RequestContext context) => throw ApiException.NotFound();
}
