namespace Chatire.Bench;

/// <summary>
/// Latencies in microseconds, counted in log-linear buckets (exact below 256 µs, under 1% error
/// above), so millions of samples cost a few kilobytes. Not thread-safe: give each loop its own
/// and <see cref="Merge"/> them at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int Linear = 256;
    private const int SubBuckets = 128;
    private const int MaxExponent = 40;
    private readonly long[] _counts = new long[Linear + ((MaxExponent - 8) * SubBuckets)];

    public long Count { get; private set; }
    public long MaxMicros { get; private set; }

    public void Record(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }

        _counts[Index(micros)]++;
        Count++;
        if (micros > MaxMicros)
        {
            MaxMicros = micros;
        }
    }

    public void RecordTicks(long stopwatchTicks) => Record(stopwatchTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency);

    public void Merge(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
    }

    /// <summary>The value at quantile q (0..1) in milliseconds; 0 when empty.</summary>
    public double PercentileMs(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(q * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), MaxMicros) / 1000.0;
            }
        }

        return MaxMicros / 1000.0;
    }

    public double MaxMs => MaxMicros / 1000.0;

    private static int Index(long micros)
    {
        if (micros < Linear)
        {
            return (int)micros;
        }

        var exponent = 63 - (int)long.LeadingZeroCount(micros);
        if (exponent >= MaxExponent)
        {
            return Linear + ((MaxExponent - 8) * SubBuckets) - 1;
        }

        var shift = exponent - 7;
        return Linear + ((exponent - 8) * SubBuckets) + (int)((micros >> shift) - SubBuckets);
    }

    private static long UpperBound(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        var exponent = ((index - Linear) / SubBuckets) + 8;
        var sub = ((index - Linear) % SubBuckets) + SubBuckets;
        var shift = exponent - 7;
        return ((long)(sub + 1) << shift) - 1;
    }
}
