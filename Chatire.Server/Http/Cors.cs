namespace Chatire.Http;

/// <summary>The CORS policy: configured origins or *, plus the server's own origin (http:// + Host).</summary>
public sealed class Cors(IReadOnlyList<string> origins)
{
    public const string AllowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    public const string AllowHeaders = "Authorization, Content-Type, X-Requested-With, Accept, X-Request-Id";
    public const string ExposeHeaders = "Retry-After, WWW-Authenticate, X-Request-Id";

    private readonly bool _any = origins.Contains("*");
    private readonly HashSet<string> _origins = new(origins.Where(o => o != "*"), StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="origin"/> may call us; <paramref name="host"/> is the request's Host header.</summary>
    public bool IsAllowed(string origin, string? host) =>
        _any || _origins.Contains(origin) || (host is not null && (string.Equals(origin, "http://" + host, StringComparison.OrdinalIgnoreCase) || string.Equals(origin, "https://" + host, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The headers an allowed origin gets on every response.</summary>
    public IEnumerable<KeyValuePair<string, string>> ResponseHeaders(string origin)
    {
        yield return new("Access-Control-Allow-Origin", _any ? "*" : origin);
        if (!_any)
        {
            yield return new("Vary", "Origin");
        }

        yield return new("Access-Control-Expose-Headers", ExposeHeaders);
    }

    public static IEnumerable<KeyValuePair<string, string>> PreflightHeaders()
    {
        yield return new("Access-Control-Allow-Methods", AllowMethods);
        yield return new("Access-Control-Allow-Headers", AllowHeaders);
        yield return new("Access-Control-Max-Age", "86400");
    }
}
