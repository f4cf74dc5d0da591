using System.Globalization;

namespace Chatire.Core;

/// <summary>The one time format of the API and the database: ISO-8601 UTC with three fractional digits.
/// Strings in this form sort in time order.</summary>
public static class Timestamps
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Drops sub-millisecond precision so a time survives a round trip through text.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
