using System.Diagnostics;

namespace Chatire.Bench;

/// <summary>Spaces calls to a steady rate (open loop: a late caller is not made to wait);
/// a rate of 0 means no pacing.</summary>
public sealed class Pacer(double perSecond)
{
    private readonly long _interval = perSecond > 0 ? Math.Max(1, (long)(Stopwatch.Frequency / perSecond)) : 0;
    private long _next;

    public ValueTask WaitAsync(CancellationToken ct)
    {
        if (_interval == 0)
        {
            return ValueTask.CompletedTask;
        }

        var now = Stopwatch.GetTimestamp();
        if (_next == 0)
        {
            _next = now;
        }

        _next += _interval;
        var ahead = _next - now;
        if (ahead < Stopwatch.Frequency / 1000)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(Task.Delay(TimeSpan.FromSeconds(ahead / (double)Stopwatch.Frequency), ct));
    }
}
