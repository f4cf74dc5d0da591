namespace Chatire.Bench;

/// <summary>Posts the server refused as over its per-user message rate (429, or an error frame saying
/// so). A refused post was never stored: it is counted as refused, never as lost. Refusals during
/// setup or the first second mean the server's limit, not its speed, would be measured: the run stops.</summary>
public static class Throttling
{
    /// <summary>How long into publishing a refusal still stops the run.</summary>
    public static readonly TimeSpan EarlyWindow = TimeSpan.FromSeconds(1);

    public static bool IsThrottled(string? detail) => detail?.StartsWith("Request was throttled", StringComparison.Ordinal) == true;

    public static bool IsThrottled(BenchException ex) => ex.Status == 429;

    public static BenchException Stop(string when) => new(
        $"The server refused posts {when} as over its per-user message rate (429 \"Request was throttled\"), so this run would measure that limit, not the server: " +
        "for a throughput run start the server with --message-rate 0 (no limit), e.g. chatire serve --message-rate 0.",
        429, serverSettings: true);
}
