using System.Net;
using Chatire.Core;

namespace Chatire.Http;

/// <summary>One request as handlers see it: route parameters, the caller, the query and the body.</summary>
public sealed class RequestContext
{
    private readonly HttpListenerContext _listenerContext;
    private RequestBody? _body;
    private Dictionary<string, string>? _query;

    public RequestContext(HttpListenerContext listenerContext, string requestId, TrustedProxies? proxies = null)
    {
        _listenerContext = listenerContext;
        RequestId = requestId;
        var raw = listenerContext.Request.RawUrl ?? "/";
        var queryStart = raw.IndexOf('?');
        Path = queryStart < 0 ? raw : raw[..queryStart];
        RawQuery = queryStart < 0 ? "" : raw[(queryStart + 1)..];
        Method = listenerContext.Request.HttpMethod.ToUpperInvariant();
        RemoteAddress = listenerContext.Request.RemoteEndPoint?.Address ?? IPAddress.None;
        ClientAddress = (proxies ?? TrustedProxies.None).ClientAddress(RemoteAddress, listenerContext.Request.Headers[TrustedProxies.ForwardedForHeader]);
        LocalPort = listenerContext.Request.LocalEndPoint?.Port ?? 0;
    }

    public string Method { get; }
    public string Path { get; }
    public string RawQuery { get; }
    public string RequestId { get; }
    public Dictionary<string, string> RouteParameters { get; set; } = [];
    public string RouteTemplate { get; set; } = "unmatched";

    /// <summary>The shape of this request's 400 answers (the matched route's).</summary>
    public ErrorStyle ErrorStyle { get; set; } = ErrorStyle.Rest;
    private Principal? _principal;
    private Func<Principal>? _authenticate;

    /// <summary>The caller, or null when no token was presented. On routes open to anyone the token is
    /// checked when a handler first asks (an invalid one is 401 then), so endpoints that never look at the
    /// caller (login, refresh) still work for clients that keep sending a stale header.</summary>
    public Principal? Principal
    {
        get
        {
            if (_authenticate is { } authenticate)
            {
                _principal = authenticate();
                _authenticate = null;
            }

            return _principal;
        }

        set
        {
            _authenticate = null;
            _principal = value;
        }
    }

    /// <summary>Checks the presented token on first use of <see cref="Principal"/>.</summary>
    public void AuthenticateOnDemand(Func<Principal> authenticate) => _authenticate = authenticate;
    public ReadOnlyMemory<byte> RawBody { get; set; }

    /// <summary>The port the request arrived on.</summary>
    public int LocalPort { get; }

    /// <summary>The peer's address (captured up front: the listener forgets it once the response is closed).</summary>
    public IPAddress RemoteAddress { get; }

    /// <summary>The client's address, for throttling and logs: the peer's, or the one a trusted proxy forwarded.</summary>
    public IPAddress ClientAddress { get; }

    public string? Header(string name) => _listenerContext.Request.Headers[name];

    public string? ContentType => _listenerContext.Request.ContentType;

    public bool IsWebSocketRequest => _listenerContext.Request.IsWebSocketRequest;

    public HttpListenerContext ListenerContext => _listenerContext;

    /// <summary>The caller, for routes whose policy guarantees one.</summary>
    public Principal User => Principal ?? throw ApiException.NotAuthenticated();

    public string Route(string name) => RouteParameters[name];

    /// <summary>Query parameters (the last of repeated names wins); invalid UTF-8 becomes U+FFFD.</summary>
    public IReadOnlyDictionary<string, string> Query => _query ??= BodyParser.ParseForm(System.Text.Encoding.Latin1.GetBytes(RawQuery), strict: false)!;

    /// <summary>The parsed body: throws 415 or 400 as the contract says.</summary>
    public RequestBody Body => _body ??= BodyParser.Parse(RawBody, ContentType);
}
