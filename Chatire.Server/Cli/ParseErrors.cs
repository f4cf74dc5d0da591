using System.CommandLine;

namespace Chatire.Cli;

/// <summary>Parse errors as a person wants to read them: what was not understood first (with the
/// nearest command or option it may have meant), the consequences after.</summary>
public static class ParseErrors
{
    public static IReadOnlyList<string> Describe(ParseResult parseResult)
    {
        var unmatched = parseResult.UnmatchedTokens;
        var command = parseResult.CommandResult.Command;
        var candidates = command.Subcommands.Select(c => c.Name)
            .Concat(command.Options.Where(o => !o.Hidden).Select(o => o.Name))
            .ToArray();
        var first = new List<string>();
        var rest = new List<string>();
        foreach (var error in parseResult.Errors)
        {
            var token = unmatched.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            if (token is null)
            {
                rest.Add(error.Message);
                continue;
            }

            var suggestion = Nearest(token, candidates);
            first.Add(suggestion is null ? error.Message : $"{error.Message} Did you mean '{suggestion}'?");
        }

        return [.. first, .. rest];
    }

    private static string? Nearest(string token, IEnumerable<string> candidates) =>
        candidates
            .Select(candidate => (candidate, distance: Distance(token.ToLowerInvariant(), candidate.ToLowerInvariant())))
            .Where(c => c.distance <= Math.Max(1, c.candidate.Length / 3))
            .OrderBy(c => c.distance)
            .Select(c => c.candidate)
            .FirstOrDefault();

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
