namespace Chatire.Hosting;

/// <summary>The server could not start (port in use, bad host); the message is one sentence.</summary>
public sealed class ServerStartException(string message, Exception? inner = null) : Exception(message, inner);
