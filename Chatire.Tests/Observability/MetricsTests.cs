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

        var reply = await server.Api.GetAsync("/metrics");

        foreach (var route in new[] { "/api/sign_up/", "/api/log_in/", "/auth/jwt/refresh/", "/auth/jwt/verify/", "/auth/jwt/blacklist/", "/api/users/", "/api/users/login/" })
        {
            Assert.Contains($"chatire_http_requests_total{{route=\"{route}\",method=\"POST\",status=\"400\"}}", reply.Text);
        }

        Assert.Contains("chatire_http_requests_total{route=\"/api/log_in/\",method=\"POST\",status=\"400\"} 2", reply.Text);
        Assert.Contains("chatire_http_requests_total{route=\"/api/user/\",method=\"GET\",status=\"401\"} 1", reply.Text);
    }
}
