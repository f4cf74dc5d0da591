using System.Text;
using Chatire.Api.Wire;
using Chatire.Http;
using Chatire.Observability;
using Chatire.Storage;

namespace Chatire.Api;

/// <summary>/health and /metrics.</summary>
/// <param name="busLive">Whether this node hears the cluster (PostgreSQL); null on SQLite.</param>
public sealed class OpsApi(Database database, Metrics metrics, Func<bool>? busLive = null)
{
    public Task<ApiResponse> Health(RequestContext context)
    {
        var healthy = (busLive?.Invoke() ?? true) && database.IsHealthy();
        return Task.FromResult(ApiResponse.Json(new HealthResponse(healthy ? "ok" : "unavailable"), ApiJsonContext.Wire.HealthResponse, healthy ? 200 : 503));
    }

    public Task<ApiResponse> Metrics(RequestContext context) =>
        Task.FromResult(ApiResponse.Bytes(Encoding.UTF8.GetBytes(metrics.Render()), "text/plain; version=0.0.4; charset=utf-8"));
}
