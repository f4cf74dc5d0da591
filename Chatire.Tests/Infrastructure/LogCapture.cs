using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Chatire.Tests.Infrastructure;

/// <summary>Collects every log line the server writes, rendered with properties, for assertions.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public LogCapture()
    {
        Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
    }

    public ILogger Logger { get; }

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public string All => string.Join('\n', _lines);

    public void Emit(LogEvent logEvent)
    {
        var text = logEvent.RenderMessage();
        if (logEvent.Exception is not null)
        {
            text += " " + logEvent.Exception;
        }

        var line = $"[{logEvent.Level}] {text}";
        _lines.Enqueue(line);
        lock (_waiters)
        {
            _waiters.RemoveAll(waiter => waiter.Match(line) && waiter.Found.TrySetResult(line));
        }
    }

    /// <summary>Waits until a line matching <paramref name="match"/> has been written (false after <paramref name="timeout"/>).</summary>
    public async Task<bool> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        try
        {
            await WaitForLineAsync(match, timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The first line (already written or still to come) that matches, within <paramref name="timeout"/>.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((match, found));
        }

        if (_lines.FirstOrDefault(match) is { } line)
        {
            found.TrySetResult(line);
        }

        return found.Task.WaitAsync(timeout);
    }
}
