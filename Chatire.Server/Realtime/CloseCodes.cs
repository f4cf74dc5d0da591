using System.Net.WebSockets;

namespace Chatire.Realtime;

/// <summary>The close codes of the contract, so clients know whether to reconnect.</summary>
public static class CloseCodes
{
    public const WebSocketCloseStatus Normal = WebSocketCloseStatus.NormalClosure;
    /// <summary>1001: the server is going away; reconnect with backoff.</summary>
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;
    /// <summary>1003: a binary frame.</summary>
    public const WebSocketCloseStatus Binary = WebSocketCloseStatus.InvalidMessageType;
    /// <summary>1007: invalid JSON or UTF-8 (protocol v1).</summary>
    public const WebSocketCloseStatus InvalidData = WebSocketCloseStatus.InvalidPayloadData;
    /// <summary>1009: a frame over the limit.</summary>
    public const WebSocketCloseStatus TooBig = WebSocketCloseStatus.MessageTooBig;
    /// <summary>1013: the socket fell behind; reconnect with since.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
    /// <summary>4401: the token expired or was revoked.</summary>
    public const WebSocketCloseStatus TokenRevoked = (WebSocketCloseStatus)4401;
    /// <summary>4403: the account may no longer connect.</summary>
    public const WebSocketCloseStatus NotAllowed = (WebSocketCloseStatus)4403;
}
