using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Chatire.Http;

namespace Chatire.Observability;

/// <summary>Counters and histograms, rendered in the Prometheus text format at /metrics.</summary>
public sealed class Metrics : IRequestObserver
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly ConcurrentDictionary<(string Route, string Method, int Status), long[]> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _durations = new();

    private readonly Histogram _busLag = new();
    private Func<int>? _clusterNodes;

    private long _webSocketConnections;
    private long _messagesStored;
    private long _deliveries;
    private long _slowConsumersDropped;

    public long WebSocketConnections => Interlocked.Read(ref _webSocketConnections);
    public long MessagesStored => Interlocked.Read(ref _messagesStored);
    public long Deliveries => Interlocked.Read(ref _deliveries);
    public long SlowConsumersDropped => Interlocked.Read(ref _slowConsumersDropped);

    public void SocketOpened() => Interlocked.Increment(ref _webSocketConnections);
    public void SocketClosed() => Interlocked.Decrement(ref _webSocketConnections);
    public void MessageStored() => Interlocked.Increment(ref _messagesStored);
    public void Delivered(long frames = 1) => Interlocked.Add(ref _deliveries, frames);
    public void SlowConsumerDropped() => Interlocked.Increment(ref _slowConsumersDropped);

    /// <summary>Adds the cluster's metrics (PostgreSQL): nodes alive, and delivery lag between nodes.</summary>
    public void TrackCluster(Func<int> nodes) => _clusterNodes = nodes;

    /// <summary>A message stored on another node reached this one after <paramref name="seconds"/>.</summary>
    public void BusDelivered(double seconds) => _busLag.Observe(seconds);

    public void Observe(string routeTemplate, string method, int status, TimeSpan elapsed)
    {
        var counter = _requests.GetOrAdd((routeTemplate, method, status), _ => new long[1]);
        Interlocked.Increment(ref counter[0]);
        _durations.GetOrAdd(routeTemplate, _ => new Histogram()).Observe(elapsed.TotalSeconds);
    }

    /// <summary>The text of /metrics. Dictionaries are snapshotted with ToArray: LINQ over a
    /// ConcurrentDictionary that grows meanwhile can throw (found by the HTTP fuzz test).</summary>
    public string Render()
    {
        var text = new StringBuilder(4096);
        Gauge(text, "chatire_websocket_connections", "Open WebSocket connections.", WebSocketConnections);
        Counter(text, "chatire_messages_stored_total", "Messages stored.", MessagesStored);
        Counter(text, "chatire_deliveries_total", "Message frames queued to WebSockets.", Deliveries);
        Counter(text, "chatire_slow_consumers_dropped_total", "WebSockets closed for falling behind (1013).", SlowConsumersDropped);

        if (_clusterNodes is { } nodes)
        {
            Gauge(text, "chatire_cluster_nodes", "Nodes of the cluster seen alive, this one included.", nodes());
            text.Append("# HELP chatire_bus_delivery_lag_seconds Time from a message's commit on another node to its delivery here.\n# TYPE chatire_bus_delivery_lag_seconds histogram\n");
            _busLag.Render(text, "chatire_bus_delivery_lag_seconds", "");
        }

        text.Append("# HELP chatire_http_requests_total HTTP requests by route template, method and status.\n# TYPE chatire_http_requests_total counter\n");
        foreach (var ((route, method, status), count) in _requests.ToArray().OrderBy(p => p.Key.Route, StringComparer.Ordinal).ThenBy(p => p.Key.Method).ThenBy(p => p.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture, $"chatire_http_requests_total{{route=\"{Escape(route)}\",method=\"{method}\",status=\"{status}\"}} {Interlocked.Read(ref count[0])}\n");
        }

        text.Append("# HELP chatire_http_request_duration_seconds HTTP request duration by route template.\n# TYPE chatire_http_request_duration_seconds histogram\n");
        foreach (var (route, histogram) in _durations.ToArray().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            histogram.Render(text, "chatire_http_request_duration_seconds", $"route=\"{Escape(route)}\"");
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        Gauge(text, "process_resident_memory_bytes", "Resident memory of the server process.", process.WorkingSet64);
        Gauge(text, "chatire_gc_heap_bytes", "Managed heap size after the last garbage collection.", GC.GetGCMemoryInfo().HeapSizeBytes);
        text.Append("# HELP chatire_gc_collections_total Garbage collections by generation.\n# TYPE chatire_gc_collections_total counter\n");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append(CultureInfo.InvariantCulture, $"chatire_gc_collections_total{{generation=\"{generation}\"}} {GC.CollectionCount(generation)}\n");
        }

        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length + 1];
        private long _sumMicros;

        public void Observe(double seconds)
        {
            var index = Array.FindIndex(Buckets, b => seconds <= b);
            Interlocked.Increment(ref _counts[index < 0 ? Buckets.Length : index]);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1_000_000));
        }

        private static string Comma(string labels) => labels.Length == 0 ? "" : ",";

        public void Render(StringBuilder text, string name, string labels)
        {
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels}{Comma(labels)}le=\"{Buckets[i]}\"}} {cumulative}\n");
            }

            cumulative += Interlocked.Read(ref _counts[Buckets.Length]);
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels}{Comma(labels)}le=\"+Inf\"}} {cumulative}\n");
            var braces = labels.Length == 0 ? "" : "{" + labels + "}";
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{braces} {Interlocked.Read(ref _sumMicros) / 1_000_000.0}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{braces} {cumulative}\n");
        }
    }
}
