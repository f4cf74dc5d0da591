namespace Chatire.Bench;

/// <summary>A run that cannot go on (server unreachable, registration closed, setup refused).</summary>
/// <param name="status">The HTTP status that refused a request, when one did.</param>
/// <param name="serverSettings">The server under test is set up so that the run measures nothing
/// (it throttles posts): the operator must change a server setting (exit code 2).</param>
public sealed class BenchException(string message, int? status = null, bool serverSettings = false) : Exception(message)
{
    public int? Status { get; } = status;

    public bool ServerSettings { get; } = serverSettings;
}
