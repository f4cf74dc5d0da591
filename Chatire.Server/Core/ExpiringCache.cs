using System.Collections.Concurrent;

namespace Chatire.Core;

/// <summary>
/// Remembers looked-up values for a short <c>lifetime</c> on the given clock, so a hot path does not
/// ask the database the same question thousands of times a second. An entry is fresh while its age is
/// between zero and the lifetime (a clock that went back makes it stale). Bounded: when full it starts over.
/// </summary>
public sealed class ExpiringCache<TKey, TValue>(TimeSpan lifetime, IClock clock, int capacity = 100_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset At)> _entries = new();

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && clock.UtcNow - entry.At is var age && age >= TimeSpan.Zero && age <= lifetime)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[key] = (value, clock.UtcNow);
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    public void Clear() => _entries.Clear();
}
