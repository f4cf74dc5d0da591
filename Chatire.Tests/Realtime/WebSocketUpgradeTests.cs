using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Realtime;

public sealed class WebSocketUpgradeTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private RealtimeFixture.Room _room = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { CorsOrigins = ["https://chat.example"], MaxSocketsPerUser = 2, MessageRate = 0 });
        _room = await _server.RoomAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Upgrade_Member_Succeeds_WithTokenInQueryOrHeader()
    {
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, _room.Member.Token))).Status);
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, null), authorization: "JWT " + _room.Member.Token)).Status);
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(_server.WebSocketUri($"/{_room.Uri}?token={_room.Owner.Token}"))).Status);
    }

    [Fact]
    public async Task Upgrade_Refusals_FollowTheContractOrder()
    {
        var outsider = await _server.CreateUserAsync("mallory");

        Assert.Equal(404, (await WebSocketClient.TryConnectAsync(_server.WebSocketUri($"/ws/nothing/{_room.Uri}?token={_room.Owner.Token}"))).Status);
        Assert.Equal(403, (await WebSocketClient.TryConnectAsync(_server.Socket("000000000000000", "bad"), origin: "https://evil.example")).Status);
        Assert.Equal(401, (await WebSocketClient.TryConnectAsync(_server.Socket("000000000000000", null, "since=x"))).Status);
        Assert.Equal(401, (await WebSocketClient.TryConnectAsync(_server.Socket("000000000000000", "not-a-token", "since=x"))).Status);
        Assert.Equal(400, (await WebSocketClient.TryConnectAsync(_server.Socket("000000000000000", outsider.Token, "since=-1"))).Status);
        Assert.Equal(404, (await WebSocketClient.TryConnectAsync(_server.Socket("000000000000000", outsider.Token, "since=3"))).Status);
        Assert.Equal(403, (await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, outsider.Token))).Status);
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, _room.Owner.Token), origin: "https://chat.example")).Status);
    }

    [Fact]
    public async Task Upgrade_Refused_AnswersJsonError()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ws/chats/{_room.Uri}/");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));

        var response = await _server.Http.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("Authentication credentials were not provided.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Upgrade_RevokedToken_Returns401_EvenWithAnonymousAllowed()
    {
        await using var server = await TestServer.StartAsync(s => s with { WsAnonymous = true });
        var room = await server.RoomAsync();
        await server.Server.Tokens.RevokeTokenAndFamilyAsync(room.Member.Record);

        Assert.Equal(401, (await WebSocketClient.TryConnectAsync(server.Socket(room.Uri, room.Member.Token))).Status);
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(server.Socket(room.Uri, null))).Status);
    }

    [Fact]
    public async Task Upgrade_OverPerUserLimit_Returns429()
    {
        await using var first = await _server.ConnectAsync(_room.Uri, _room.Member.Token);
        await using var second = await _server.ConnectAsync(_room.Uri, _room.Member.Token);

        Assert.Equal(429, (await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, _room.Member.Token))).Status);
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, _room.Owner.Token))).Status);
    }

    [Fact]
    public async Task Upgrade_OverConnectionLimit_Returns503WithMessage()
    {
        await using var server = await TestServer.StartAsync(s => s with { MaxConnections = 1 });
        var room = await server.RoomAsync();
        await using var only = await server.ConnectAsync(room.Uri, room.Owner.Token);

        var reply = await server.Api.SendAsync(HttpMethod.Get, $"/ws/chats/{room.Uri}/?token={room.Member.Token}", headers: new Dictionary<string, string>
        {
            ["Connection"] = "Upgrade", ["Upgrade"] = "websocket", ["Sec-WebSocket-Version"] = "13", ["Sec-WebSocket-Key"] = Convert.ToBase64String(new byte[16]),
        });

        Assert.Equal(503, reply.Code);
        Assert.Contains("limit of 1 open WebSockets", reply.Body.Text("detail"));
    }

    [Fact]
    public async Task Upgrade_OfferedSubprotocol_IsEchoed()
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol("chat");
        await socket.ConnectAsync(_server.Socket(_room.Uri, _room.Owner.Token), CancellationToken.None);

        Assert.Equal("chat", socket.SubProtocol);
        socket.Abort();
    }
}
