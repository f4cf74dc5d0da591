using System.Diagnostics;

namespace Chatire.Bench;

/// <summary>A one-line live progress bar on the terminal (standard error), redrawn four times a
/// second; silent when output is redirected.</summary>
public sealed class ProgressBar : IAsyncDisposable
{
    private readonly TextWriter? _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop = Task.CompletedTask;

    /// <summary>A bar that fills over <paramref name="duration"/>.</summary>
    public ProgressBar(TextWriter? writer, string label, TimeSpan duration, Func<string> status)
        : this(writer, label, elapsed => duration <= TimeSpan.Zero ? 1 : elapsed / duration, status)
    {
    }

    /// <summary>A bar that shows the share of the work done <paramref name="fraction"/> reports (0 to 1).</summary>
    public ProgressBar(TextWriter? writer, string label, Func<double> fraction, Func<string> status)
        : this(writer, label, _ => fraction(), status)
    {
    }

    private ProgressBar(TextWriter? writer, string label, Func<TimeSpan, double> progress, Func<string> status)
    {
        _writer = writer;
        if (writer is null)
        {
            return;
        }

        var started = Stopwatch.StartNew();
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    var fraction = Math.Clamp(progress(started.Elapsed), 0, 1);
                    var filled = (int)(fraction * 24);
                    var line = $"\r{label} [{new string('#', filled)}{new string('.', 24 - filled)}] {started.Elapsed.TotalSeconds,5:0.0}s  {status()}";
                    await writer.WriteAsync(line.PadRight(100)[..Math.Max(100, line.Length)]).ConfigureAwait(false);
                    await writer.FlushAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>The terminal's error stream when one is attached, else null (no bar).</summary>
    public static TextWriter? TerminalOrNull(TextWriter error, bool enabled) =>
        enabled && !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error) ? error : null;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_writer is not null)
        {
            await _writer.WriteAsync("\r" + new string(' ', 110) + "\r").ConfigureAwait(false);
            await _writer.FlushAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
