using System.Diagnostics;

namespace Chatire.Bench;

/// <summary>A one-line live progress bar on the terminal (standard error), redrawn four times a
/// second; silent when output is redirected.</summary>
public sealed class ProgressBar : IAsyncDisposable
{
    private readonly TextWriter? _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop = Task.CompletedTask;

    public ProgressBar(TextWriter? writer, string label, TimeSpan duration, Func<string> status)
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
                    var fraction = duration <= TimeSpan.Zero ? 1 : Math.Min(1, started.Elapsed / duration);
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
