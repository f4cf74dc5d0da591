using System.Security.Cryptography;

namespace Chatire.Http;

/// <summary>
/// Request ids: the client's <c>X-Request-Id</c> when it is printable and short, else a new id of 32
/// hex digits — a random prefix drawn once per process and a counter. Unique within and (with
/// overwhelming likelihood) across processes, and cheap: a GUID per request costs a random-number read.
/// </summary>
public static class RequestIds
{
    private static readonly string Prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    private static long _counter;

    public static string For(string? candidate) =>
        candidate is { Length: > 0 and <= 200 } && candidate.All(c => c is > ' ' and < (char)127) ? candidate : Next();

    public static string Next() => string.Create(32, Interlocked.Increment(ref _counter), static (span, n) =>
    {
        Prefix.AsSpan().CopyTo(span);
        n.TryFormat(span[16..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
    });
}
