using System.Globalization;
using System.Text.RegularExpressions;

namespace Chatire.Configuration;

/// <summary>Parsers for the value forms settings use, exactly as the README lists them: durations
/// are a whole number and one of the units ms, s, m, h, d (500ms, 90s, 15m, 24h, 30d); sizes are a
/// whole number and one of B, KiB, MiB (256B, 64KiB, 1MiB). Anything else (a bare number, 1w, 64kb,
/// 1.5h) is refused rather than guessed at.</summary>
public static partial class SettingParsers
{
    public const string DurationForms = "a whole number with ms, s, m, h or d, such as 90s, 15m, 24h or 30d";
    public const string SizeForms = "a whole number with B, KiB or MiB, such as 64KiB or 1MiB";

    [GeneratedRegex(@"^(\d{1,12})(ms|s|m|h|d)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(\d{1,12})(B|KiB|MiB)$")]
    private static partial Regex SizePattern();

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var milliseconds = match.Groups[2].Value switch
        {
            "ms" => 1L,
            "s" => 1000L,
            "m" => 60_000L,
            "h" => 3_600_000L,
            _ => 86_400_000L,
        };
        if (amount > TimeSpan.MaxValue.TotalMilliseconds / 2 / milliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(amount * milliseconds);
        return true;
    }

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var multiplier = match.Groups[2].Value switch
        {
            "B" => 1L,
            "KiB" => 1024L,
            _ => 1024L * 1024,
        };
        bytes = amount * multiplier;
        return true;
    }

    public static bool TryParseSwitch(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                value = true;
                return true;
            case "false" or "0" or "no" or "off" or "":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static string FormatDuration(TimeSpan duration)
    {
        if (duration.TotalSeconds % 86400 == 0 && duration.TotalDays >= 1) return $"{duration.TotalDays:0}d";
        if (duration.TotalSeconds % 3600 == 0 && duration.TotalHours >= 1) return $"{duration.TotalHours:0}h";
        if (duration.TotalSeconds % 60 == 0 && duration.TotalMinutes >= 1) return $"{duration.TotalMinutes:0}m";
        if (duration.TotalMilliseconds % 1000 == 0) return $"{duration.TotalSeconds:0}s";
        return $"{duration.TotalMilliseconds:0}ms";
    }
}
