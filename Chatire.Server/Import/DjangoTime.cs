using System.Globalization;
using Chatire.Core;

namespace Chatire.Import;

/// <summary>Django's stored times (<c>YYYY-MM-DD HH:MM:SS[.ffffff]</c>, UTC, naive or with an offset)
/// as Chatire <c>created</c> values (three fractional digits, truncated).</summary>
public static class DjangoTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'",
    ];

    /// <summary>The time <paramref name="text"/> holds; naive times are UTC (Django with USE_TZ stores UTC).</summary>
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        return text is not null && DateTimeOffset.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>The Chatire text of a Django time, or null when it is not one.</summary>
    public static string? ToChatire(string? text) => TryParse(text, out var time) ? Timestamps.ToText(time) : null;
}
