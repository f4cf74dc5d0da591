using Chatire.Configuration;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Auth;

/// <summary>
/// Counts failed logins in a sliding window per (username, client address), per client address and per
/// username. A key is throttled while it has at least its limit of failures in the window; it opens
/// again when the oldest of them leaves the window. Only the newest <c>limit</c> failures of a key are
/// kept, so memory stays bounded by the keys that failed recently. With <paramref name="shared"/>
/// (PostgreSQL), the failures are kept in the database instead, so a cluster counts them together.
/// </summary>
public sealed class LoginThrottle(ChatireSettings settings, IClock clock, LoginFailureStore? shared = null)
{
    private const int SweepEvery = 1024;

    private readonly object _lock = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private int _recordsSinceSweep;

    /// <summary>Seconds until the caller may try again, or null when no limit is reached.</summary>
    public int? RetryAfter(string username, string address)
    {
        var now = clock.UtcNow;
        TimeSpan? wait = null;
        if (shared is not null)
        {
            foreach (var (key, limit) in Keys(username, address))
            {
                var times = shared.Recent(key, now - settings.LoginWindow, limit);
                if (times.Count >= limit)
                {
                    var opens = times[0] + settings.LoginWindow - now;
                    wait = wait is { } w && w > opens ? w : opens;
                }
            }

            return Seconds(wait);
        }

        lock (_lock)
        {
            foreach (var (key, limit) in Keys(username, address))
            {
                if (!_failures.TryGetValue(key, out var times))
                {
                    continue;
                }

                Prune(times, now);
                if (times.Count >= limit)
                {
                    // The count drops below the limit when the (count - limit + 1)th oldest failure expires.
                    var opens = times.ElementAt(times.Count - limit) + settings.LoginWindow - now;
                    wait = wait is { } w && w > opens ? w : opens;
                }
            }
        }

        return Seconds(wait);
    }

    private static int? Seconds(TimeSpan? wait) => wait is { } value ? Math.Max(1, (int)Math.Ceiling(value.TotalSeconds)) : null;

    /// <summary>Counts one failed login against all three keys (in the database when shared).</summary>
    public Task RecordFailureAsync(string username, string address)
    {
        if (shared is null)
        {
            RecordFailure(username, address);
            return Task.CompletedTask;
        }

        var now = clock.UtcNow;
        return shared.RecordAsync(Keys(username, address).Select(k => k.Key), Timestamps.Truncate(now), now - settings.LoginWindow);
    }

    /// <summary>Counts one failed login against all three keys, in this process.</summary>
    public void RecordFailure(string username, string address)
    {
        var now = clock.UtcNow;

        lock (_lock)
        {
            foreach (var (key, limit) in Keys(username, address))
            {
                if (!_failures.TryGetValue(key, out var times))
                {
                    _failures[key] = times = new Queue<DateTimeOffset>();
                }

                times.Enqueue(now);
                while (times.Count > limit)
                {
                    times.Dequeue();
                }
            }

            if (++_recordsSinceSweep >= SweepEvery)
            {
                _recordsSinceSweep = 0;
                Sweep(now);
            }
        }
    }

    /// <summary>Keys currently tracked (for tests and diagnostics).</summary>
    public int TrackedKeys
    {
        get
        {
            lock (_lock)
            {
                return _failures.Count;
            }
        }
    }

    private (string Key, int Limit)[] Keys(string username, string address)
    {
        var user = Usernames.Key(username);
        return
        [
            ("ua\n" + user + "\n" + address, settings.LoginLimitUserAddress),
            ("a\n" + address, settings.LoginLimitAddress),
            ("u\n" + user, settings.LoginLimitUser),
        ];
    }

    private void Prune(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() + settings.LoginWindow <= now)
        {
            times.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, times) in _failures.ToArray())
        {
            Prune(times, now);
            if (times.Count == 0)
            {
                _failures.Remove(key);
            }
        }
    }
}
