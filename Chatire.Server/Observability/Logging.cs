using Chatire.Configuration;
using Serilog;
using Serilog.Events;

namespace Chatire.Observability;

/// <summary>Builds the Serilog logger from settings, in code (no reflection-based configuration).</summary>
public static class Logging
{
    /// <summary>Logs go to standard error (standard output stays free for command results).</summary>
    public static ILogger Create(ChatireSettings settings)
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Is(LevelOf(settings.LogLevel)).Enrich.FromLogContext();
        configuration = settings.LogFormat == "json"
            ? configuration.WriteTo.Console(new JsonLogFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            : configuration.WriteTo.Console(outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose);
        if (settings.LogFile is { } file)
        {
            configuration = settings.LogFormat == "json"
                ? configuration.WriteTo.File(new JsonLogFormatter(), file)
                : configuration.WriteTo.File(file, outputTemplate: "{Timestamp:o} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        }

        return configuration.CreateLogger();
    }

    public static LogEventLevel LevelOf(string name) => name switch
    {
        "verbose" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };
}
