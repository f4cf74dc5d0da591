using System.Text;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Realtime;

/// <summary>Clients that fragment, flood pings, or vanish without closing: each is handled and
/// nobody else notices.</summary>
public sealed class WebSocketAbuseTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private RealtimeFixture.Room _room = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0 });
        _room = await _server.RoomAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Path(string token, string query = "v=2") => $"/ws/chats/{_room.Uri}/?token={Uri.EscapeDataString(token)}&{query}";

    [Fact]
    public async Task FragmentedTextMessage_IsReassembledAndPosted()
    {
        using var raw = await RawWebSocket.ConnectAsync(_server.Server.Port, Path(_room.Owner.Token));
        var presence = await raw.ReadFrameAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, presence.Opcode);

        var json = Encoding.UTF8.GetBytes("""{"message": "in three parts", "client_id": "frag-1"}""");
        await raw.SendFrameAsync(1, json[..10], fin: false);
        await raw.SendFrameAsync(0, json[10..20], fin: false);
        await raw.SendFrameAsync(0, json[20..], fin: true);

        var frames = new List<JsonNode>();
        while (!frames.Any(f => f["type"]!.GetValue<string>() == "ack"))
        {
            var (opcode, payload) = await raw.ReadFrameAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, opcode);
            frames.Add(JsonNode.Parse(payload)!);
        }

        Assert.Equal("frag-1", frames.Single(f => f["type"]!.GetValue<string>() == "ack")["client_id"]!.GetValue<string>());
        var history = await _server.Api.GetAsync($"/api/chats/{_room.Uri}/messages/", _room.Owner.Token);
        Assert.Equal("in three parts", history.Body["messages"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PingFlood_AnsweredWithPongs_OthersUnaffected()
    {
        await using var other = await _server.ConnectAsync(_room.Uri, _room.Member.Token);
        using var raw = await RawWebSocket.ConnectAsync(_server.Server.Port, Path(_room.Owner.Token, "v=1"));

        for (var i = 0; i < 2000; i++)
        {
            await raw.SendFrameAsync(9, Encoding.ASCII.GetBytes($"p{i}"));
        }

        var pongs = 0;
        while (pongs < 2000)
        {
            var (opcode, _) = await raw.ReadFrameAsync(TimeSpan.FromSeconds(10));
            if (opcode == 10)
            {
                pongs++;
            }
        }

        var posted = await _server.Api.PostMessageAsync(_room.Member.Token, _room.Uri, "still here");
        var received = await other.ReceiveJsonAsync();
        Assert.Equal(posted["id"]!.GetValue<long>(), received["id"]!.GetValue<long>());
        Assert.Equal(2000, pongs);
    }

    [Fact]
    public async Task ClientsThatVanishWithoutClosing_AreCleanedUp_OthersUnaffected()
    {
        await using var other = await _server.ConnectAsync(_room.Uri, _room.Member.Token);
        var baseline = _server.Server.Metrics.WebSocketConnections;

        for (var i = 0; i < 20; i++)
        {
            using var raw = await RawWebSocket.ConnectAsync(_server.Server.Port, Path(_room.Owner.Token, "v=1"));
            // Disposed without a close frame: the TCP connection just goes away.
        }

        var posted = await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "after the vanishing");
        Assert.Equal(posted["id"]!.GetValue<long>(), (await other.ReceiveJsonAsync())["id"]!.GetValue<long>());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_server.Server.Metrics.WebSocketConnections != baseline && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(baseline, _server.Server.Metrics.WebSocketConnections);
    }
}
