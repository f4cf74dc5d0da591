using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Chatire.Hosting;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Reliability;

/// <summary>Slow-loris clients (headers or bodies trickling in) hold no worker and do not slow others.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task SlowBody_AnsweredWith408AfterTheTimeout()
    {
        await using var server = await TestServer.StartAsync(options: new ServerOptions { BodyReadTimeout = TimeSpan.FromSeconds(1) });
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.Server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /auth/jwt/create/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user"));
        var watch = Stopwatch.StartNew();

        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("did not arrive in time", answer);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.5, 15);
    }

    [Fact]
    public async Task ManySlowClients_OthersStillServedPromptly()
    {
        await using var server = await TestServer.StartAsync(options: new ServerOptions { BodyReadTimeout = TimeSpan.FromSeconds(30) });
        var slow = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", server.Server.Port);
                var head = i % 2 == 0
                    ? "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    : "POST /auth/jwt/create/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
                slow.Add(client);
            }

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(200, (await server.Api.GetAsync("/health")).Code);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"20 health checks took {watch.Elapsed} beside 200 slow clients.");
        }
        finally
        {
            slow.ForEach(c => c.Dispose());
        }
    }
}
