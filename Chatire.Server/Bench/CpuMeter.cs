using System.Diagnostics;

namespace Chatire.Bench;

/// <summary>CPU used by the server (when its pid is known) and by this generator over a span of
/// time, as a percentage of one core: tells which side was the bottleneck.</summary>
public sealed class CpuMeter
{
    private readonly int? _serverPid;
    private readonly double? _serverStart;
    private readonly TimeSpan _ownStart;
    private readonly long _started = Stopwatch.GetTimestamp();

    public CpuMeter(int? serverPid)
    {
        _serverPid = serverPid;
        _serverStart = serverPid is { } pid ? ProcessMemory.CpuSeconds(pid) : null;
        _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>Server CPU seconds used since the meter started, when its pid is known.</summary>
    public double? ServerSeconds => _serverPid is { } pid && _serverStart is { } start && ProcessMemory.CpuSeconds(pid) is { } end ? end - start : null;

    public void AddTo(BenchResult result, string prefix = "")
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        if (wall <= 0)
        {
            return;
        }

        if (_serverPid is { } pid && _serverStart is { } start && ProcessMemory.CpuSeconds(pid) is { } end)
        {
            result.Number(prefix + "server_cpu_pct", prefix.Replace('_', ' ') + "server CPU", (end - start) / wall * 100, "% of a core");
        }

        result.Number(prefix + "generator_cpu_pct", prefix.Replace('_', ' ') + "generator CPU", (Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalSeconds / wall * 100, "% of a core");
    }
}
