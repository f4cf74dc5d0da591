namespace Chatire.Bench;

/// <summary>A run that cannot go on (server unreachable, registration closed, setup refused).</summary>
public sealed class BenchException(string message) : Exception(message);
