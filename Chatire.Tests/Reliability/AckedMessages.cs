using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Reliability;

/// <summary>Posts as fast as it can over HTTP and WebSocket (v2, acks) until stopped or the server
/// dies, remembering every message the server acknowledged; then checks them against the history.</summary>
public sealed class AckedMessages
{
    private readonly ConcurrentDictionary<string, long> _acked = new();

    /// <summary>client_id → id for every acknowledged message, per chat.</summary>
    public IReadOnlyDictionary<string, long> Acked => _acked;

    public int Count => _acked.Count;

    public async Task FloodHttpAsync(ApiClient api, string token, string uri, string prefix, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var clientId = $"{prefix}-{n}";
            try
            {
                var reply = await api.PostAsync($"/api/chats/{uri}/messages/", ApiClient.Json(("message", $"http {clientId}"), ("client_id", clientId)), token);
                if (reply.Code == 200)
                {
                    _acked[$"{uri}/{clientId}"] = reply.Body["id"]!.GetValue<long>();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or InvalidOperationException)
            {
                // No complete answer: the message is not acknowledged.
                return;
            }
        }
    }

    public async Task FloodWebSocketAsync(Uri socketUri, string uri, string prefix, CancellationToken stop)
    {
        WebSocketClient socket;
        try
        {
            socket = await WebSocketClient.ConnectAsync(socketUri);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            return;
        }

        await using (socket)
        {
            var receiving = ReceiveAcksAsync(socket, uri);
            try
            {
                for (var n = 0; !stop.IsCancellationRequested && !receiving.IsCompleted; n++)
                {
                    await socket.SendJsonAsync(ApiClient.Json(("message", $"ws {prefix}-{n}"), ("client_id", $"{prefix}-{n}")));
                    if (n % 32 == 31)
                    {
                        await Task.Yield();
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The server died under us (a send on an aborted socket surfaces as a cancellation).
            }

            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2)));
        }
    }

    private async Task ReceiveAcksAsync(WebSocketClient socket, string uri)
    {
        try
        {
            while (true)
            {
                var (type, text) = await socket.ReceiveAsync(TimeSpan.FromSeconds(30));
                if (type == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = JsonNode.Parse(text)!;
                if (frame["type"]?.GetValue<string>() == "ack" && frame["client_id"]?.GetValue<string>() is { } clientId)
                {
                    _acked[$"{uri}/{clientId}"] = frame["id"]!.GetValue<long>();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    public sealed record Check(int Acked, int Found, int Lost, int Duplicated, bool IdsIncreasing, string? FirstProblem);

    /// <summary>Reads the whole history of each chat and checks every acknowledged message is there once.</summary>
    public async Task<Check> VerifyAsync(ApiClient api, string token, IEnumerable<string> uris)
    {
        var found = 0;
        var lost = 0;
        var duplicated = 0;
        var increasing = true;
        string? problem = null;
        foreach (var uri in uris)
        {
            var byClientId = new Dictionary<string, List<long>>();
            long last = 0;
            long after = 0;
            while (true)
            {
                var page = await api.GetAsync($"/api/chats/{uri}/messages/?after={after}&limit=1000", token);
                var messages = page.Body["messages"]!.AsArray();
                if (messages.Count == 0)
                {
                    break;
                }

                foreach (var message in messages)
                {
                    var id = message!["id"]!.GetValue<long>();
                    if (id <= last)
                    {
                        increasing = false;
                        problem ??= $"id {id} after {last} in {uri}";
                    }

                    last = id;
                    if (message["client_id"]?.GetValue<string>() is { } clientId)
                    {
                        byClientId.TryAdd(clientId, []);
                        byClientId[clientId].Add(id);
                    }
                }

                after = last;
            }

            foreach (var (key, id) in _acked.Where(p => p.Key.StartsWith(uri + "/", StringComparison.Ordinal)))
            {
                var clientId = key[(uri.Length + 1)..];
                if (!byClientId.TryGetValue(clientId, out var ids) || !ids.Contains(id))
                {
                    lost++;
                    problem ??= $"acknowledged {clientId} (id {id}) missing from {uri}";
                }
                else
                {
                    found++;
                }
            }

            duplicated += byClientId.Values.Count(ids => ids.Count > 1);
        }

        return new Check(_acked.Count, found, lost, duplicated, increasing, problem);
    }
}
