using System.Globalization;
using System.Net.WebSockets;
using Chatire.Auth;
using Chatire.Chat;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Http;
using Chatire.Observability;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// The WebSocket upgrades: chat sockets at /ws/chats/&lt;uri&gt;/ and /&lt;uri&gt;, the user stream at
/// /ws/me/. Everything is checked before the upgrade, in the contract's order: Origin (403), token (401),
/// since (400), chat (404), membership (403), limits (429/503). Refusals are ordinary JSON errors.
/// </summary>
public sealed class WebSocketEndpoint(ChatireSettings settings, Cors cors, TokenService tokens, ChatService chats, Hub hub, Metrics metrics, ILogger log)
{
    public async Task<ApiResponse> Accept(RequestContext context)
    {
        CheckOrigin(context);

        var token = context.Query.TryGetValue("token", out var queryToken) ? queryToken : Credentials.FromHeader(context.Header("Authorization"));
        Principal? principal = null;
        if (token is not null)
        {
            principal = tokens.Authenticate(token);
        }
        else if (!settings.WsAnonymous)
        {
            throw ApiException.NotAuthenticated();
        }

        var errors = new FieldErrors();
        long? since = null;
        if (context.Query.TryGetValue("since", out var sinceText))
        {
            if (long.TryParse(sinceText, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                since = value;
            }
            else
            {
                errors.Add("since", "A valid integer greater than or equal to 0 is required.");
            }
        }

        var version = ProtocolVersion.V1;
        if (context.Query.TryGetValue("v", out var versionText))
        {
            switch (versionText)
            {
                case "1":
                    break;
                case "2":
                    version = ProtocolVersion.V2;
                    break;
                default:
                    errors.Add("v", "Protocol version must be 1 or 2.");
                    break;
            }
        }

        var batching = ReadBatch(context, version, errors);
        errors.ThrowIfAny();
        var chat = chats.Find(context.Route("uri"));
        if (principal is not null && !chats.IsMember(chat, principal.User.Id))
        {
            throw ApiException.Forbidden("You are not a member of this chat.");
        }

        return await UpgradeAsync(context, new SocketConnection(chat, principal, token, version, batching, since, settings.SocketQueue, settings.MaxFrameBytes, chats, metrics, log))
            .ConfigureAwait(false);
    }

    /// <summary>/ws/me/: the user stream (a token is required, anonymous access never applies).</summary>
    public async Task<ApiResponse> AcceptUserStream(RequestContext context)
    {
        CheckOrigin(context);
        var token = context.Query.TryGetValue("token", out var queryToken) ? queryToken : Credentials.FromHeader(context.Header("Authorization"));
        if (token is null)
        {
            throw ApiException.NotAuthenticated();
        }

        var principal = tokens.Authenticate(token);
        var errors = new FieldErrors();
        if (context.Query.TryGetValue("v", out var versionText) && versionText != "2")
        {
            errors.Add("v", "The user stream speaks protocol version 2 only.");
        }

        var batching = ReadBatch(context, ProtocolVersion.V2, errors);
        errors.ThrowIfAny();
        return await UpgradeAsync(context, new UserStreamConnection(principal, token, batching, settings.SocketQueue, settings.MaxFrameBytes, chats, hub.Streams, metrics, log))
            .ConfigureAwait(false);
    }

    /// <summary><c>batch=1</c> asks for batched frames (protocol v2 only), <c>batch=0</c> or no parameter for
    /// one frame per message; anything else is a 400 like any invalid query parameter.</summary>
    private static bool ReadBatch(RequestContext context, ProtocolVersion version, FieldErrors errors)
    {
        if (!context.Query.TryGetValue("batch", out var batchText))
        {
            return false;
        }

        switch (batchText)
        {
            case "0":
                return false;
            case "1" when version == ProtocolVersion.V2:
                return true;
            case "1":
                errors.Add("batch", "Batching needs protocol version 2 (v=2).");
                return false;
            default:
                errors.Add("batch", "Must be 0 or 1.");
                return false;
        }
    }

    private void CheckOrigin(RequestContext context)
    {
        if (context.Header("Origin") is { } origin && !cors.IsAllowed(origin, context.Header("Host")))
        {
            throw ApiException.Forbidden("This origin may not open WebSockets here.");
        }
    }

    private async Task<ApiResponse> UpgradeAsync(RequestContext context, RealtimeSocket socket)
    {
        if (!context.IsWebSocketRequest)
        {
            throw new ApiException(426, "This address accepts WebSocket upgrades only.");
        }

        hub.Register(socket);
        WebSocket webSocket;
        try
        {
            // Echo the client's first subprotocol: passing null when one was offered yields an empty header.
            var offered = context.Header("Sec-WebSocket-Protocol")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            var keepAlive = settings.PingInterval > TimeSpan.Zero ? settings.PingInterval : Timeout.InfiniteTimeSpan;
            var accepted = await context.ListenerContext.AcceptWebSocketAsync(offered, keepAlive).ConfigureAwait(false);
            webSocket = accepted.WebSocket;
        }
        catch
        {
            hub.Unregister(socket);
            throw;
        }

        metrics.SocketOpened();
        // The socket runs on its own; the request (its context, headers and pipeline frames) ends here,
        // so an idle socket holds only what it needs. Shutdown waits for sockets through the hub.
        _ = RunAsync(socket, webSocket);
        return ApiResponse.HijackedResponse(101);
    }

    private async Task RunAsync(RealtimeSocket socket, WebSocket webSocket)
    {
        try
        {
            await socket.RunAsync(webSocket).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Error(ex, "WebSocket failed ({Socket})", socket is SocketConnection chat ? "chat " + chat.Chat.Uri : "user stream");
        }
        finally
        {
            hub.Unregister(socket);
            metrics.SocketClosed();
        }
    }
}
