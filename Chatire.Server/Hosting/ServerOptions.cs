using Chatire.Core;
using Serilog;

namespace Chatire.Hosting;

/// <summary>What an embedding program (or a test) may hand the server besides settings.</summary>
public sealed record ServerOptions
{
    public IClock Clock { get; init; } = SystemClock.Instance;

    /// <summary>The logger; built from the settings when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>How often the housekeeping job runs (token expiry of sockets, pruning).</summary>
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a request body may take to arrive (slow clients get 408).</summary>
    public TimeSpan BodyReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a shutdown waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
