using System.Collections.Concurrent;
using Chatire.Core;

namespace Chatire.Chat;

/// <summary>Lets one typing notice per user and chat through every <see cref="Interval"/> (this node's count).</summary>
public sealed class TypingThrottle(IClock clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(long Chat, long User), DateTimeOffset> _last = new();

    /// <summary>True when this notice may be forwarded (and counts it).</summary>
    public bool TryPass(long chatId, long userId)
    {
        var now = clock.UtcNow;
        var key = (chatId, userId);
        while (true)
        {
            if (_last.TryGetValue(key, out var last))
            {
                if (now - last < Interval)
                {
                    return false;
                }

                if (_last.TryUpdate(key, now, last))
                {
                    return true;
                }
            }
            else if (_last.TryAdd(key, now))
            {
                Prune(now);
                return true;
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (_last.Count <= PruneAbove)
        {
            return;
        }

        foreach (var (key, at) in _last)
        {
            if (now - at >= Interval)
            {
                _last.TryRemove(key, out _);
            }
        }
    }
}
