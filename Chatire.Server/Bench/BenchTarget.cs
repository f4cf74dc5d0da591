using System.Net;

namespace Chatire.Bench;

/// <summary>The server under load: its base URL, whether it is Chatire or the comparison peer
/// (no accounts, any chat name), and where its memory can be read. <see cref="Nodes"/> lists every
/// node of a cluster (the first is <see cref="BaseUrl"/>, where setup and HTTP load go). Sockets to
/// Chatire ask for batched frames (<c>batch=1</c>) unless <see cref="Batch"/> is off; the peers never batch.</summary>
public sealed record BenchTarget(Uri BaseUrl, bool Peer, int? ServerPid, bool Batch = true)
{
    /// <summary>A prefix for names this run creates, so runs against one server never collide.</summary>
    public string RunId { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    public bool IsLoopback => IPAddress.TryParse(BaseUrl.Host, out var address) ? IPAddress.IsLoopback(address) : BaseUrl.IsLoopback;

    public IReadOnlyList<Uri> Nodes { get; init; } = [BaseUrl];

    /// <summary>The WebSocket URL of a chat on node <paramref name="node"/> (counted round the nodes).</summary>
    public Uri WebSocketUri(string chatUri, string? token, long? since = null, int node = 0)
    {
        var url = Nodes[node % Nodes.Count];
        var scheme = url.Scheme == "https" ? "wss" : "ws";
        var query = token is null ? "?v=2" : $"?token={Uri.EscapeDataString(token)}&v=2";
        if (Batch && !Peer)
        {
            query += "&batch=1";
        }

        if (since is not null)
        {
            query += $"&since={since}";
        }

        return new Uri($"{scheme}://{url.Authority}/ws/chats/{chatUri}/{query}");
    }

    public Uri Http(string pathAndQuery) => new(BaseUrl, pathAndQuery);
}
