namespace Chatire.Http;

/// <summary>Matches a path against the route table. Trailing slashes are optional everywhere.
/// Answers which route matched, with which parameters, or which methods the path allows.</summary>
public sealed class Router
{
    private readonly List<(Route Route, string[] Segments)> _entries = [];

    public Router(IEnumerable<Route> routes)
    {
        foreach (var route in routes)
        {
            foreach (var pattern in route.Patterns)
            {
                _entries.Add((route, Split(pattern)));
            }
        }
    }

    public IEnumerable<Route> Routes => _entries.Select(e => e.Route).Distinct();

    public sealed record Match(Route? Route, Dictionary<string, string> Parameters, string? Allow);

    /// <summary>Finds the route for <paramref name="method"/> and <paramref name="path"/>; Route is null with
    /// Allow set when the path exists for other methods, and null with Allow null when nothing matches.</summary>
    public Match Find(string method, string path)
    {
        var segments = Split(path);
        List<string>? allowed = null;
        foreach (var (route, pattern) in _entries)
        {
            var parameters = TryMatch(pattern, segments);
            if (parameters is null)
            {
                continue;
            }

            if (route.Methods.Contains(method) || (method == "HEAD" && route.Methods.Contains("GET")))
            {
                return new Match(route, parameters, null);
            }

            allowed ??= [];
            allowed.AddRange(route.Methods);
        }

        if (allowed is null)
        {
            return new Match(null, [], null);
        }

        allowed.Add("OPTIONS");
        return new Match(null, [], string.Join(", ", allowed.Distinct()));
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, string>? TryMatch(string[] pattern, string[] segments)
    {
        if (pattern.Length != segments.Length)
        {
            return null;
        }

        Dictionary<string, string>? parameters = null;
        for (var i = 0; i < pattern.Length; i++)
        {
            var p = pattern[i];
            if (p.StartsWith('{') && p.EndsWith('}'))
            {
                var spec = p[1..^1].Split(':');
                if (spec.Length > 1 && spec[1] == "hex15" && !IsHex15(segments[i]))
                {
                    return null;
                }

                parameters ??= [];
                parameters[spec[0]] = segments[i];
            }
            else if (!string.Equals(p, segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return parameters ?? [];
    }

    /// <summary>A chat uri: 15 lowercase hexadecimal characters.</summary>
    public static bool IsHex15(string text) => text.Length == 15 && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
