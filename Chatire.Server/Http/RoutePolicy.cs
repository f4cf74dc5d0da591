namespace Chatire.Http;

/// <summary>Who may call a route. Decided by the pipeline before the handler runs.</summary>
public enum RoutePolicy
{
    /// <summary>Anyone; a presented token is still checked (an invalid one is 401, as in DRF).</summary>
    Anonymous,
    /// <summary>A valid access-capable token is required.</summary>
    Authenticated,
    /// <summary>A WebSocket endpoint: it authenticates itself, in the order the WebSocket contract gives.</summary>
    WebSocket,
}
