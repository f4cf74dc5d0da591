namespace Chatire.Http;

/// <summary>Who may call a route. Decided by the pipeline before the handler runs.</summary>
public enum RoutePolicy
{
    /// <summary>Anyone; a presented token is checked when the handler asks for the caller (an invalid one is 401 then).</summary>
    Anonymous,
    /// <summary>A valid access-capable token is required.</summary>
    Authenticated,
    /// <summary>A WebSocket endpoint: it authenticates itself, in the order the WebSocket contract gives.</summary>
    WebSocket,
}
