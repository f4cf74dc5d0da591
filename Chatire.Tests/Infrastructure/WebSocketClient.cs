using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Chatire.Tests.Infrastructure;

/// <summary>A real ClientWebSocket with helpers to send and receive JSON frames with timeouts.</summary>
public sealed class WebSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private WebSocketClient(ClientWebSocket socket)
    {
        Socket = socket;
    }

    public ClientWebSocket Socket { get; }

    public static async Task<WebSocketClient> ConnectAsync(Uri uri, string? origin = null, string? authorization = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", authorization);
        }

        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new WebSocketClient(socket);
    }

    /// <summary>Tries to connect and returns the HTTP status of a refused upgrade (or 101).</summary>
    public static async Task<(int Status, string Body)> TryConnectAsync(Uri uri, string? origin = null, string? authorization = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", authorization);
        }

        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(uri, timeout.Token);
            socket.Abort();
            return (101, "");
        }
        catch (WebSocketException)
        {
            return ((int)socket.HttpStatusCode, "");
        }
    }

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendJsonAsync(JsonNode node) => SendTextAsync(node.ToJsonString());

    /// <summary>The next text frame as JSON; throws on timeout or close.</summary>
    public async Task<JsonNode> ReceiveJsonAsync(TimeSpan? timeout = null)
    {
        var (type, text) = await ReceiveAsync(timeout);
        if (type != WebSocketMessageType.Text)
        {
            throw new InvalidOperationException($"Expected a text frame, got {type} ({Socket.CloseStatus} {Socket.CloseStatusDescription}).");
        }

        return JsonNode.Parse(text)!;
    }

    /// <summary>The next message (type and text). A close frame returns Close.</summary>
    public async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, "");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()));
            }
        }
    }

    /// <summary>Reads until the server closes; returns the close status (skipping data frames).</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return Socket.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return Socket.CloseStatus;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        Socket.Dispose();
    }
}
