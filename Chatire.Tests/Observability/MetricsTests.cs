using Chatire.Observability;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Observability;

public sealed class MetricsTests
{
    [Fact]
    public async Task Render_WhileNewRoutesAreObserved_DoesNotThrow()
    {
        var metrics = new Metrics();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var writer = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                metrics.Observe($"/route/{i}/", "GET", 200 + (i % 5), TimeSpan.FromMilliseconds(1));
            }
        });

        while (!writer.IsCompleted)
        {
            Assert.Contains("chatire_http_requests_total", metrics.Render());
        }

        await writer;
    }

    [Fact]
    public async Task MetricsEndpoint_AfterRequests_ListsRouteTemplatesAndUnmatched()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.GetAsync("/health");
        await server.Api.GetAsync("/api/chats/0123456789abcde/messages/");
        await server.Api.GetAsync("/no/such/path");

        var reply = await server.Api.GetAsync("/metrics");

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", reply.Response.Content.Headers.ContentType?.ToString());
        Assert.Contains("chatire_http_requests_total{route=\"/health/\",method=\"GET\",status=\"200\"} 1", reply.Text);
        Assert.Contains("route=\"/api/chats/{uri}/messages/\",method=\"GET\",status=\"401\"", reply.Text);
        Assert.Contains("route=\"unmatched\",method=\"GET\",status=\"404\"", reply.Text);
        foreach (var name in new[] { "chatire_websocket_connections", "chatire_messages_stored_total", "chatire_deliveries_total",
                     "chatire_slow_consumers_dropped_total", "chatire_http_request_duration_seconds_bucket", "process_resident_memory_bytes", "chatire_gc_collections_total" })
        {
            Assert.Contains(name, reply.Text);
        }
    }

    [Fact]
    public async Task MetricsEndpoint_TutorialClientPaths_ListedUnderTheirRoutes()
    {
        await using var server = await TestServer.StartAsync();
        string[] paths = ["/api/sign_up/", "/api/log_in/", "/api/token/", "/api/token/refresh/", "/api/token/verify/", "/api/token/blacklist/", "/api/users/", "/api/users/login/"];
        foreach (var path in paths)
        {
            await server.Api.PostAsync(path, ApiClient.Json());
        }

        await server.Api.GetAsync("/api/user/");

        // A request is counted just after its response is written: scrape until every one is in.
        string[] expected =
        [
            .. new[] { "/api/sign_up/", "/auth/jwt/refresh/", "/auth/jwt/verify/", "/auth/jwt/blacklist/", "/api/users/", "/api/users/login/" }
                .Select(route => $"chatire_http_requests_total{{route=\"{route}\",method=\"POST\",status=\"400\"}}"),
            "chatire_http_requests_total{route=\"/api/log_in/\",method=\"POST\",status=\"400\"} 2",
            "chatire_http_requests_total{route=\"/api/user/\",method=\"GET\",status=\"401\"} 1",
        ];
        var text = await ScrapeUntilAsync(server, expected);

        foreach (var line in expected)
        {
            Assert.Contains(line, text);
        }
    }

    private static async Task<string> ScrapeUntilAsync(TestServer server, string[] lines)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var text = (await server.Api.GetAsync("/metrics")).Text;
            if (lines.All(line => text.Contains(line, StringComparison.Ordinal)) || DateTime.UtcNow > deadline)
            {
                return text;
            }
        }
    }
}
