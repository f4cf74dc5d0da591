using System.Globalization;
using System.Text.RegularExpressions;

namespace Chatire.Configuration;

/// <summary>Parsers for the value forms settings use: durations (90s, 15m, 24h, 30d), sizes (64KiB),
/// whole numbers and switches.</summary>
public static partial class SettingParsers
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups[2].Success ? match.Groups[2].Value.ToLowerInvariant() : "s";
        var seconds = unit switch
        {
            "ms" => amount / 1000,
            "s" => amount,
            "m" => amount * 60,
            "h" => amount * 3600,
            "d" => amount * 86400,
            _ => amount * 7 * 86400,
        };
        if (seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var multiplier = (match.Groups[2].Success ? match.Groups[2].Value.ToLowerInvariant() : "b") switch
        {
            "b" => 1L,
            "k" or "kb" or "kib" => 1024L,
            "m" or "mb" or "mib" => 1024L * 1024,
            _ => 1024L * 1024 * 1024,
        };
        if (amount > long.MaxValue / multiplier)
        {
            return false;
        }

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
