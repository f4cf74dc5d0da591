using System.Collections.Concurrent;
using Chatire.Core;

namespace Chatire.Chat;

/// <summary>A token bucket per user: <c>rate</c> messages per second sustained, <c>burst</c> at once.
/// A rate of 0 turns the limit off.</summary>
public sealed class MessageRateLimiter(double rate, int burst, IClock clock)
{
    private readonly ConcurrentDictionary<long, Bucket> _buckets = new();

    /// <summary>Takes one token; returns 0 when allowed, else the whole seconds until one is available.</summary>
    public int TryTake(long userId)
    {
        if (rate <= 0)
        {
            return 0;
        }

        var capacity = Math.Max(1, burst);
        var bucket = _buckets.GetOrAdd(userId, _ => new Bucket(capacity, clock.UtcNow));
        lock (bucket)
        {
            var now = clock.UtcNow;
            var elapsed = (now - bucket.Updated).TotalSeconds;
            if (elapsed > 0)
            {
                bucket.Tokens = Math.Min(capacity, bucket.Tokens + elapsed * rate);
                bucket.Updated = now;
            }

            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return 0;
            }

            return Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / rate));
        }
    }

    /// <summary>Gives back a token taken for a post that turned out to be a retry of a stored message.</summary>
    public void Refund(long userId)
    {
        if (rate <= 0 || !_buckets.TryGetValue(userId, out var bucket))
        {
            return;
        }

        lock (bucket)
        {
            bucket.Tokens = Math.Min(Math.Max(1, burst), bucket.Tokens + 1);
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset updated)
    {
        public double Tokens { get; set; } = tokens;
        public DateTimeOffset Updated { get; set; } = updated;
    }
}
