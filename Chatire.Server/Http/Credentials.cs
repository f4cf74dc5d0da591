namespace Chatire.Http;

/// <summary>Reads a token from <c>Authorization: Bearer|Token|JWT &lt;token&gt;</c> (any case) or <c>?token=</c>.</summary>
public static class Credentials
{
    private static readonly string[] Schemes = ["bearer", "token", "jwt"];

    /// <summary>The token in the Authorization header; null when there is none or its scheme is not ours.
    /// An empty string means the scheme was ours but the token was missing.</summary>
    public static string? FromHeader(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        var parts = authorization.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!Schemes.Contains(parts[0].ToLowerInvariant()))
        {
            return null;
        }

        return parts.Length == 2 && !parts[1].Contains(' ') ? parts[1] : "";
    }

    /// <summary>Masks the value of every token= parameter in a URL for logs.</summary>
    public static string MaskTokens(string url)
    {
        var index = url.IndexOf("token=", StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            return url;
        }

        var builder = new System.Text.StringBuilder(url.Length);
        var position = 0;
        while (index >= 0)
        {
            var valueStart = index + "token=".Length;
            builder.Append(url, position, valueStart - position).Append("***");
            var end = url.IndexOf('&', valueStart);
            position = end < 0 ? url.Length : end;
            index = url.IndexOf("token=", position, StringComparison.OrdinalIgnoreCase);
        }

        builder.Append(url, position, url.Length - position);
        return builder.ToString();
    }
}
