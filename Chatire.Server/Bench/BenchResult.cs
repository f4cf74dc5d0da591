using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Chatire.Bench;

/// <summary>What a scenario measured: named values in the order they were added, printed as a
/// table for people or as one JSON object for scripts.</summary>
public sealed class BenchResult(string scenario)
{
    private readonly List<(string Key, string Label, object Value, string Unit)> _fields = [];

    public string Scenario { get; } = scenario;

    /// <summary>True when no message was lost or duplicated and nothing failed that must not.</summary>
    public bool Passed { get; private set; } = true;

    public BenchResult Text(string key, string label, string value)
    {
        _fields.Add((key, label, value, ""));
        return this;
    }

    public BenchResult Number(string key, string label, double value, string unit = "")
    {
        _fields.Add((key, label, Math.Round(value, 3), unit));
        return this;
    }

    public BenchResult Count(string key, string label, long value, string unit = "")
    {
        _fields.Add((key, label, value, unit));
        return this;
    }

    /// <summary>A count that must be zero (lost, duplicated): anything else fails the run.</summary>
    public BenchResult MustBeZero(string key, string label, long value)
    {
        if (value != 0)
        {
            Passed = false;
        }

        return Count(key, label, value);
    }

    /// <summary>p50/p90/p99/max of a histogram, in milliseconds, keys prefixed (e.g. "" or "read_").</summary>
    public BenchResult Latency(string prefix, string label, LatencyHistogram histogram)
    {
        Number(prefix + "p50_ms", label + " p50", histogram.PercentileMs(0.50), "ms");
        Number(prefix + "p90_ms", label + " p90", histogram.PercentileMs(0.90), "ms");
        Number(prefix + "p99_ms", label + " p99", histogram.PercentileMs(0.99), "ms");
        Number(prefix + "max_ms", label + " max", histogram.MaxMs, "ms");
        return this;
    }

    public object? this[string key] => _fields.Find(f => f.Key == key).Value;

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("scenario", Scenario);
            foreach (var (key, _, value, _) in _fields)
            {
                switch (value)
                {
                    case string text:
                        writer.WriteString(key, text);
                        break;
                    case long count:
                        writer.WriteNumber(key, count);
                        break;
                    case double number:
                        writer.WriteNumber(key, number);
                        break;
                }
            }

            writer.WriteBoolean("passed", Passed);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public string ToTable()
    {
        var rows = new List<(string Label, string Value)> { ("scenario", Scenario) };
        foreach (var (_, label, value, unit) in _fields)
        {
            var text = value switch
            {
                double number => number.ToString(number >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture),
                long count => count.ToString("N0", CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            rows.Add((label, unit.Length > 0 ? $"{text} {unit}" : text));
        }

        rows.Add(("result", Passed ? "ok" : "FAILED (messages lost or duplicated)"));
        var width = rows.Max(r => r.Label.Length) + 2;
        var table = new StringBuilder();
        foreach (var (label, value) in rows)
        {
            table.Append(label.PadRight(width)).Append(value).Append('\n');
        }

        return table.ToString();
    }
}
