using System.Text.Json.Nodes;
using Chatire.Observability;
using Serilog;

namespace Chatire.Tests.Observability;

public sealed class JsonLogFormatterTests
{
    [Fact]
    public void Format_RequestLine_OneJsonObjectWithUnquotedMessage()
    {
        var output = new StringWriter();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        logger.Information("{Method} {Url} {Status} {ElapsedMs:0.0}ms", "GET", "/health?token=***", 200, 1.25);
        new JsonLogFormatter().Format(sink.Events.Single(), output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = JsonNode.Parse(Assert.Single(lines))!;
        Assert.Equal("GET /health?token=*** 200 1.3ms", json["message"]!.GetValue<string>());
        Assert.Equal("information", json["level"]!.GetValue<string>());
        Assert.Equal(200, json["Status"]!.GetValue<long>());
        Assert.EndsWith("Z", json["time"]!.GetValue<string>());
    }

    private sealed class CollectingSink : Serilog.Core.ILogEventSink
    {
        public List<Serilog.Events.LogEvent> Events { get; } = [];

        public void Emit(Serilog.Events.LogEvent logEvent) => Events.Add(logEvent);
    }
}
