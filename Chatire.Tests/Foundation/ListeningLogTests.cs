using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Foundation;

/// <summary>The start-up line says exactly what is bound (HttpListener on Linux binds IPv4 only) and
/// gives a URL a person can click.</summary>
public sealed class ListeningLogTests
{
    [Fact]
    public async Task StartUp_AllInterfaces_LogsIPv4BindingAndLocalhostUrl()
    {
        await using var server = await TestServer.StartAsync(s => s with { Host = "+" });
        var port = server.Server.Port;

        // The capture quotes string properties; the console does not.
        var line = Assert.Single(server.Logs.Lines, l => l.Contains("Chatire listening on", StringComparison.Ordinal)).Replace("\"", "", StringComparison.Ordinal);
        Assert.Contains($"0.0.0.0:{port} (IPv4, every interface)", line);
        Assert.Contains($"open http://localhost:{port}/", line);
        Assert.DoesNotContain("*", line);
    }

    [Fact]
    public async Task StartUp_Loopback_LogsLoopbackBinding()
    {
        await using var server = await TestServer.StartAsync();
        var port = server.Server.Port;

        // The capture quotes string properties; the console does not.
        var line = Assert.Single(server.Logs.Lines, l => l.Contains("Chatire listening on", StringComparison.Ordinal)).Replace("\"", "", StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port} (IPv4 loopback)", line);
        Assert.Contains($"open http://localhost:{port}/", line);
    }
}
