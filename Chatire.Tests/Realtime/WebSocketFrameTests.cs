using System.Net.WebSockets;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Realtime;

public sealed class WebSocketFrameTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private RealtimeFixture.Room _room = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0, MaxFrameBytes = 1024 });
        _room = await _server.RoomAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task BinaryFrame_Closes1003_OthersUnaffected()
    {
        await using var bystander = await _server.ConnectAsync(_room.Uri, _room.Owner.Token);
        await using var bad = await _server.ConnectAsync(_room.Uri, _room.Member.Token);

        await bad.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal((WebSocketCloseStatus)1003, await bad.WaitForCloseAsync());
        await AssertStillDeliversAsync(bystander);
    }

    [Fact]
    public async Task InvalidJson_V1_Closes1007()
    {
        await using var bystander = await _server.ConnectAsync(_room.Uri, _room.Owner.Token);
        await using var bad = await _server.ConnectAsync(_room.Uri, _room.Member.Token);

        await bad.SendTextAsync("{not json");

        Assert.Equal((WebSocketCloseStatus)1007, await bad.WaitForCloseAsync());
        await AssertStillDeliversAsync(bystander);
    }

    [Fact]
    public async Task InvalidUtf8_V1_Closes1007()
    {
        await using var bad = await _server.ConnectAsync(_room.Uri, _room.Member.Token);

        await bad.Socket.SendAsync(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal((WebSocketCloseStatus)1007, await bad.WaitForCloseAsync());
    }

    /// <summary>The contract asks for an error frame here, but the runtime's WebSocket checks UTF-8 in
    /// text frames itself and closes with 1007 before the server sees the frame.</summary>
    [Fact]
    public async Task InvalidUtf8_V2_ClosedWith1007ByTheRuntime()
    {
        await using var socket = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        await socket.ReceiveJsonAsync();

        await socket.Socket.SendAsync(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal((WebSocketCloseStatus)1007, await socket.WaitForCloseAsync());
    }

    [Fact]
    public async Task InvalidJson_V2_ErrorFrameAndSocketStaysOpen()
    {
        await using var socket = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        await socket.ReceiveJsonAsync();

        await socket.SendTextAsync("[1,");
        var error = await socket.ReceiveJsonAsync();
        await socket.SendJsonAsync(Json(("message", "still here"), ("client_id", "a")));

        Assert.Equal("error", error.Text("type"));
        Assert.StartsWith("Invalid JSON", error.Text("detail"));
        Assert.Equal("message", (await socket.ReceiveJsonAsync()).Text("type"));
        Assert.Equal("ack", (await socket.ReceiveJsonAsync()).Text("type"));
    }

    [Fact]
    public async Task OversizeFrame_Closes1009_OthersUnaffected()
    {
        await using var bystander = await _server.ConnectAsync(_room.Uri, _room.Owner.Token);
        await using var bad = await _server.ConnectAsync(_room.Uri, _room.Member.Token);

        await bad.SendJsonAsync(Json(("message", new string('x', 2000))));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await bad.WaitForCloseAsync());
        await AssertStillDeliversAsync(bystander);
    }

    [Fact]
    public async Task WellFormedInvalidFrames_V1Dropped_V2ErrorFrames()
    {
        await using var v1 = await _server.ConnectAsync(_room.Uri, _room.Member.Token);
        await using var v2 = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        await v2.ReceiveJsonAsync();
        string[] invalid = ["[]", "{}", """{"message": 5}""", """{"message": ""}""", """{"message": "x", "client_id": "\u00e9"}""", """{"message": "x", "client_id": 7}"""];

        foreach (var frame in invalid)
        {
            await v1.SendTextAsync(frame);
            await v2.SendTextAsync(frame);
        }

        var errors = new List<System.Text.Json.Nodes.JsonNode>();
        for (var i = 0; i < invalid.Length; i++)
        {
            errors.Add(await v2.ReceiveJsonAsync());
        }

        await v1.SendJsonAsync(Json(("message", "valid")));
        Assert.All(errors, e => Assert.Equal("error", e.Text("type")));
        Assert.Contains("message", errors[3].Text("detail"));
        Assert.Equal("\u00e9", errors[4].Text("client_id"));
        Assert.Equal("valid", (await v1.ReceiveJsonAsync()).Text("message"));
        Assert.Single((await _server.Api.GetAsync($"/api/chats/{_room.Uri}/messages/", _room.Owner.Token)).Body["messages"]!.AsArray());
    }

    [Fact]
    public async Task AnonymousSocket_V2Post_GetsErrorFrame()
    {
        await using var server = await TestServer.StartAsync(s => s with { WsAnonymous = true });
        var room = await server.RoomAsync();
        await using var anonymous = await server.ConnectAsync(room.Uri, null, "v=2");
        var presence = await anonymous.ReceiveJsonAsync();

        await anonymous.SendJsonAsync(Json(("message", "hi"), ("client_id", "x")));
        var error = await anonymous.ReceiveJsonAsync();

        Assert.Empty(presence["users"]!.AsArray());
        Assert.Equal("error", error.Text("type"));
        Assert.Equal("x", error.Text("client_id"));
    }

    [Fact]
    public async Task SocketPost_OverRateLimit_V2ErrorFrame()
    {
        await using var server = await TestServer.StartAsync(s => s with { MessageRate = 1, MessageBurst = 1 });
        var room = await server.RoomAsync();
        await using var socket = await server.ConnectAsync(room.Uri, room.Member.Token, "v=2");
        await socket.ReceiveJsonAsync();

        await socket.SendJsonAsync(Json(("message", "1"), ("client_id", "1")));
        await socket.SendJsonAsync(Json(("message", "2"), ("client_id", "2")));
        var frames = new[] { await socket.ReceiveJsonAsync(), await socket.ReceiveJsonAsync(), await socket.ReceiveJsonAsync() };

        Assert.Equal(["message", "ack", "error"], frames.Select(f => f.Text("type")));
        Assert.Contains("throttled", frames[2].Text("detail"));
        Assert.Equal("2", frames[2].Text("client_id"));
    }

    /// <summary>A publisher that does not wait for acks has many posts in flight at once; the messages
    /// are stored in frame order, and the answers (acks and error frames) come back in frame order.</summary>
    [Fact]
    public async Task PipelinedPosts_StoredAndAnsweredInFrameOrder()
    {
        await using var socket = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        await socket.ReceiveJsonAsync();
        const int count = 120; // more than one socket's posts in flight
        for (var i = 0; i < count; i++)
        {
            await socket.SendTextAsync(i % 25 == 7 ? """{"message": ""}""" : $$"""{"message": "m{{i}}", "client_id": "c{{i}}"}""");
        }

        var answers = new List<System.Text.Json.Nodes.JsonNode>();
        while (answers.Count < count)
        {
            var frame = await socket.ReceiveJsonAsync();
            if (frame.Text("type") != "message")
            {
                answers.Add(frame);
            }
        }

        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            if (i % 25 == 7)
            {
                Assert.Equal("error", answers[i].Text("type"));
                continue;
            }

            Assert.Equal("ack", answers[i].Text("type"));
            Assert.Equal($"c{i}", answers[i].Text("client_id"));
            ids.Add((long)answers[i]["id"]!);
        }

        Assert.Equal(ids.Order(), ids);
        var stored = (await _server.Api.GetAsync($"/api/chats/{_room.Uri}/messages/?limit=1000", _room.Owner.Token)).Body["messages"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, count).Where(i => i % 25 != 7).Select(i => $"m{i}"), stored.Select(m => m!.Text("message")));
    }

    private async Task AssertStillDeliversAsync(WebSocketClient socket)
    {
        await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "after the bad frame");
        Assert.Equal("after the bad frame", (await socket.ReceiveJsonAsync()).Text("message"));
    }
}
