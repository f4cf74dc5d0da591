namespace Chatire.Web;

/// <summary>The headers that lock the client page down: a strict Content-Security-Policy (no inline
/// scripts or styles; the page may talk only to its own origin, over HTTP and WebSocket) and framing off.</summary>
public static class SecurityHeaders
{
    public static IEnumerable<KeyValuePair<string, string>> For(string? host)
    {
        yield return new("Content-Security-Policy", ContentSecurityPolicy(host));
        yield return new("X-Frame-Options", "DENY");
        yield return new("Cross-Origin-Opener-Policy", "same-origin");
        yield return new("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    }

    /// <summary>The policy; <paramref name="host"/> (the request's Host header) names the WebSocket origin.
    /// A Host that is not a plain host[:port] is left out ('self' still covers same-origin sockets in
    /// current browsers).</summary>
    public static string ContentSecurityPolicy(string? host)
    {
        var sockets = host is not null && IsPlainHost(host) ? $" ws://{host} wss://{host}" : "";
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
               $"connect-src 'self'{sockets}; manifest-src 'self'; media-src 'none'; object-src 'none'; " +
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static bool IsPlainHost(string host) =>
        host.Length is > 0 and <= 255 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']');
}
