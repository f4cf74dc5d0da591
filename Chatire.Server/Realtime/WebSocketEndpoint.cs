using Chatire.Core;
using Chatire.Http;

namespace Chatire.Realtime;

/// <summary>The WebSocket upgrade at /ws/chats/&lt;uri&gt;/ and /&lt;uri&gt;.</summary>
public sealed class WebSocketEndpoint
{
    public Task<ApiResponse> Accept(RequestContext context) => throw new ApiException(501, "Not implemented yet.");
}
