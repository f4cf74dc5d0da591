using System.Data.Common;

namespace Chatire.Core;

/// <summary>
/// Where the data lives, as given to <c>--db</c>: a PostgreSQL URL
/// (<c>postgres://user:password@host:port/database?sslmode=...</c>, also <c>postgresql://</c>) or else
/// an SQLite file path. <see cref="Display"/> is the form to show: the password masked.
/// </summary>
public sealed record DatabaseLocation
{
    /// <summary>libpq query parameters understood, and the Npgsql connection-string keyword each becomes.</summary>
    private static readonly Dictionary<string, string> Parameters = new(StringComparer.Ordinal)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    private DatabaseLocation(string text, string display, string? connectionString)
    {
        Text = text;
        Display = display;
        ConnectionString = connectionString;
    }

    /// <summary>As given.</summary>
    public string Text { get; }

    /// <summary>As shown in logs, errors and <c>config print</c>: the password replaced by <c>***</c>.</summary>
    public string Display { get; }

    /// <summary>The Npgsql connection string (PostgreSQL only). Holds the password: never show it.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgres => ConnectionString is not null;

    public static bool LooksLikeUrl(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The password masked when <paramref name="text"/> is a PostgreSQL URL; otherwise as given.</summary>
    public static string Mask(string text) => TryParse(text, out var location, out _) ? location.Display : LooksLikeUrl(text) ? "postgres://***" : text;

    /// <summary>Parses <paramref name="text"/>; <paramref name="error"/> is a sentence (without the password) when it is not usable.</summary>
    public static bool TryParse(string text, out DatabaseLocation location, out string? error)
    {
        location = new DatabaseLocation(text, text, null);
        error = null;
        if (!LooksLikeUrl(text))
        {
            return true;
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var rest = text[schemeEnd..];
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : "";
        string? user = null;
        string? password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            password = colon >= 0 ? Uri.UnescapeDataString(userInfo[(colon + 1)..]) : null;
        }

        var host = authority;
        var port = 5432;
        var portStart = authority.StartsWith('[') ? authority.IndexOf("]:", StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
        if (portStart > 0)
        {
            host = authority[..portStart];
            if (!int.TryParse(authority[(portStart + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = "The PostgreSQL URL in the setting db has a port that is not a number from 1 to 65535.";
                return false;
            }
        }

        host = host.Trim('[', ']');
        if (host.Length == 0)
        {
            error = "The PostgreSQL URL in the setting db names no host (postgres://user:password@host:port/database).";
            return false;
        }

        if (database.Length == 0)
        {
            error = "The PostgreSQL URL in the setting db names no database (postgres://user:password@host:port/database).";
            return false;
        }

        var builder = new DbConnectionStringBuilder();
        Append(builder, "Host", host);
        Append(builder, "Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(builder, "Database", database);
        if (user is not null)
        {
            Append(builder, "Username", user);
        }

        if (password is not null)
        {
            Append(builder, "Password", password);
        }

        var hasTimeout = false;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
            if (!Parameters.TryGetValue(name, out var keyword))
            {
                error = $"The PostgreSQL URL in the setting db has the parameter '{name}', which chatire does not know; it knows {string.Join(", ", Parameters.Keys)}.";
                return false;
            }

            hasTimeout |= name == "connect_timeout";
            Append(builder, keyword, value);
        }

        if (!hasTimeout)
        {
            // Noticing that the database is gone quickly matters more than patience with a slow network.
            Append(builder, "Timeout", "3");
        }

        var display = password is null ? text : text[..schemeEnd] + MaskedAuthority(text[schemeEnd..]);
        location = new DatabaseLocation(text, display, builder.ConnectionString);
        return true;
    }

    private static string MaskedAuthority(string rest)
    {
        var end = rest.IndexOfAny(['/', '?']);
        var authority = end >= 0 ? rest[..end] : rest;
        var at = authority.LastIndexOf('@');
        var colon = authority.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < at ? authority[..(colon + 1)] + "***" + rest[at..] : rest;
    }

    private static void Append(DbConnectionStringBuilder builder, string keyword, string value) => builder[keyword] = value;
}
