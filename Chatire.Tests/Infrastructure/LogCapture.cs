using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Chatire.Tests.Infrastructure;

/// <summary>Collects every log line the server writes, rendered with properties, for assertions.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _written = new(0);

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

        _lines.Enqueue($"[{logEvent.Level}] {text}");
        _written.Release();
    }

    /// <summary>Waits until a line matching <paramref name="match"/> has been written (false after <paramref name="timeout"/>).</summary>
    public async Task<bool> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_lines.Any(match))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _written.WaitAsync(left))
            {
                return _lines.Any(match);
            }
        }

        return true;
    }
}
