using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chatire.Core;

/// <summary>
/// Remembers looked-up values for a short <c>lifetime</c>, so a hot path does not ask the database the
/// same question thousands of times a second. Bounded: when full it starts over.
/// </summary>
public sealed class ExpiringCache<TKey, TValue>(TimeSpan lifetime, int capacity = 100_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, long At)> _entries = new();

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && Stopwatch.GetElapsedTime(entry.At) < lifetime)
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

        _entries[key] = (value, Stopwatch.GetTimestamp());
    }

    public void Clear() => _entries.Clear();
}
