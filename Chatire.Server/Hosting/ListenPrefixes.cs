namespace Chatire.Hosting;

/// <summary>The HttpListener prefixes for a --host and port (see docs/operations.md for what the
/// listener binds on Linux for each).</summary>
public static class ListenPrefixes
{
    public static IReadOnlyList<string> For(string host, int port) => host switch
    {
        "+" => [$"http://+:{port}/"],
        "127.0.0.1" or "localhost" => [$"http://127.0.0.1:{port}/", $"http://localhost:{port}/"],
        _ => [$"http://{host}:{port}/"],
    };

    /// <summary>What the listener binds for <paramref name="host"/> on Linux, as measured: IPv4 only
    /// (<c>+</c> is 0.0.0.0, <c>localhost</c> is 127.0.0.1; IPv6 prefixes are refused).</summary>
    public static string BoundAddress(string host, int port) => host switch
    {
        "+" => $"0.0.0.0:{port} (IPv4, every interface)",
        "127.0.0.1" or "localhost" => $"127.0.0.1:{port} (IPv4 loopback)",
        _ => $"{host}:{port} (IPv4)",
    };

    /// <summary>A URL a person on this machine can open.</summary>
    public static string BrowserUrl(string host, int port) =>
        host is "+" or "127.0.0.1" or "localhost" ? $"http://localhost:{port}/" : $"http://{host}:{port}/";
}
