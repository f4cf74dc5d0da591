using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Realtime;

/// <summary>Protocol v2's edit, delete, chat, read and typing frames, the since replay across edits and
/// deletes, and 4403 on removal, on both backends.</summary>
public class ChatFeatureSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1.5);

    protected virtual TestBackend Backend => TestBackend.Sqlite;

    private TestServer _server = null!;
    private RealtimeFixture.Room _room = null!;

    private ApiClient Api => _server.Api;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0, WsAnonymous = true }, backend: Backend);
        _room = await _server.RoomAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Uri => _room.Uri;

    private async Task<long> PostAsync(TestUsers.Account who, string text) => (await Api.PostMessageAsync(who.Token, Uri, text))["id"]!.GetValue<long>();

    [Fact]
    public async Task EditAndDelete_ReachV2AsFramesWithSeq_V1SeesNeither()
    {
        var id = await PostAsync(_room.Member, "helo");
        await using var v2 = await _server.ConnectAsync(Uri, _room.Owner.Token, "v=2");
        await using var v1 = await _server.ConnectAsync(Uri, _room.Owner.Token);
        await v2.NextAsync("presence");

        await Api.PatchAsync($"/api/chats/{Uri}/messages/{id}/", Json(("message", "hello")), _room.Member.Token);
        await Api.DeleteAsync($"/api/chats/{Uri}/messages/{id}/", _room.Member.Token);
        var after = await PostAsync(_room.Member, "after");

        var edit = await v2.NextAsync("edit");
        Assert.Equal("hello", edit["data"]!.Text("message"));
        Assert.NotNull(edit["data"]!["edited"]);
        var delete = await v2.NextAsync("delete");
        Assert.Equal(id, delete.Long("id"));
        Assert.True(delete.Long("seq") > edit.Long("seq"));
        Assert.True(edit.Long("seq") > id);
        Assert.Equal(after, (await v2.NextAsync("message"))["data"]!.Long("id"));
        Assert.True(after > delete.Long("seq"));
        Assert.Equal("after", (await v1.ReceiveJsonAsync()).Text("message"));
    }

    [Fact]
    public async Task Since_ReplaysMessagesEditsAndDeletesInOneOrder_ThenLiveWithoutDuplicates()
    {
        var first = await PostAsync(_room.Member, "one");
        var second = await PostAsync(_room.Member, "two");
        await Api.PatchAsync($"/api/chats/{Uri}/messages/{first}/", Json(("message", "one!")), _room.Member.Token);
        await Api.DeleteAsync($"/api/chats/{Uri}/messages/{second}/", _room.Member.Token);
        var third = await PostAsync(_room.Member, "three");

        await using (var all = await _server.ConnectAsync(Uri, _room.Owner.Token, "v=2&since=0"))
        {
            await all.NextAsync("presence");
            var frames = new List<JsonNode>();
            for (var i = 0; i < 5; i++)
            {
                frames.Add(await all.ReceiveJsonAsync());
            }

            Assert.Equal(["message", "message", "edit", "delete", "message"], frames.Select(f => f.Text("type")));
            var positions = frames.Select(f => f["seq"]?.GetValue<long>() ?? f["data"]!.Long("id")).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.Equal("one!", frames[0]["data"]!.Text("message"));
            Assert.True(frames[1]["data"]!["deleted"]!.GetValue<bool>());
            Assert.Equal(third, frames[4]["data"]!.Long("id"));

            // Resuming from the edit's seq: only what came after it, then live.
            await using var resumed = await _server.ConnectAsync(Uri, _room.Owner.Token, $"v=2&since={positions[2]}");
            await resumed.NextAsync("presence");
            Assert.Equal("delete", (await resumed.ReceiveJsonAsync()).Text("type"));
            Assert.Equal(third, (await resumed.NextAsync("message"))["data"]!.Long("id"));
            var live = await PostAsync(_room.Owner, "live");
            Assert.Equal(live, (await resumed.NextAsync("message"))["data"]!.Long("id"));
        }

        await using var v1 = await _server.ConnectAsync(Uri, _room.Owner.Token, "since=0");
        Assert.Equal(first, (await v1.ReceiveJsonAsync()).Long("id"));
        var next = await v1.ReceiveJsonAsync();
        Assert.Equal(third, next.Long("id"));
        Assert.Null(next["type"]);
    }

    [Fact]
    public async Task ReadFrame_MovesMarker_ReceiptReachesEveryV2SocketIncludingOwn()
    {
        var id = await PostAsync(_room.Owner, "read me");
        await using var reader = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await using var other = await _server.ConnectAsync(Uri, _room.Owner.Token, "v=2");
        await reader.NextAsync("presence");
        await other.NextAsync("presence");

        await reader.SendJsonAsync(Json(("type", "read"), ("up_to", id)));

        var receipt = await other.NextAsync("read");
        Assert.Equal("bob", receipt["user"]!.Text("username"));
        Assert.Equal(id, receipt.Long("up_to"));
        Assert.Equal(id, (await reader.NextAsync("read", skip: ["presence", "join", "leave", "message"])).Long("up_to"));
        Assert.Equal(id, (await Api.GetAsync($"/api/chats/{Uri}/", _room.Member.Token)).Body["last_read"]!.GetValue<long>());
    }

    [Fact]
    public async Task Typing_ReachesOthersNotOwnSockets_OncePer3Seconds()
    {
        await using var typist = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await using var typistOther = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await using var watcher = await _server.ConnectAsync(Uri, _room.Owner.Token, "v=2");
        await typist.NextAsync("presence");
        await typistOther.NextAsync("presence");
        await watcher.NextAsync("presence");

        await typist.SendJsonAsync(Json(("type", "typing")));
        Assert.Equal("bob", (await watcher.NextAsync("typing"))["user"]!.Text("username"));
        await typist.SendJsonAsync(Json(("type", "typing")));
        await typist.SendJsonAsync(Json(("message", "marker")));
        Assert.Equal("marker", (await watcher.NextAsync("message"))["data"]!.Text("message"));
        _server.Clock.Advance(TimeSpan.FromSeconds(3));
        await typist.SendJsonAsync(Json(("type", "typing")));
        Assert.Equal("typing", (await watcher.ReceiveJsonAsync()).Text("type"));

        Assert.Null(await typistOther.NothingBut(TimeSpan.FromMilliseconds(300), "presence", "join", "leave", "message", "ack"));
        Assert.Null(await typist.NothingBut(TimeSpan.FromMilliseconds(100), "presence", "join", "leave", "message", "ack"));
    }

    [Fact]
    public async Task BadV2Frames_GetErrorFrames_AnonymousCannotTypeOrRead()
    {
        await using var socket = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await using var anonymous = await _server.ConnectAsync(Uri, null, "v=2");
        await socket.NextAsync("presence");
        await anonymous.NextAsync("presence");

        foreach (var bad in new[] { "{\"type\":\"shout\"}", "{\"type\":5}", "{\"type\":\"read\"}", "{\"type\":\"read\",\"up_to\":-3}", "{\"type\":\"read\",\"up_to\":\"7\"}" })
        {
            await socket.SendTextAsync(bad);
            Assert.NotNull((await socket.NextAsync("error"))["detail"]);
        }

        await anonymous.SendJsonAsync(Json(("type", "typing")));
        Assert.Contains("Anonymous", (await anonymous.NextAsync("error")).Text("detail"));
        Assert.Equal(WebSocketState.Open, socket.Socket.State);
    }

    [Fact]
    public async Task Removal_ClosesTheirSockets4403WithinASecond_OthersGetChatFrame()
    {
        await using var removed = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await using var removedV1 = await _server.ConnectAsync(Uri, _room.Member.Token);
        await using var owner = await _server.ConnectAsync(Uri, _room.Owner.Token, "v=2");
        await removed.NextAsync("presence");
        await owner.NextAsync("presence");

        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{Uri}/members/bob/", _room.Owner.Token)).Code);

        Assert.Equal((WebSocketCloseStatus)4403, await removed.WaitForCloseAsync(WithinASecond));
        Assert.Equal((WebSocketCloseStatus)4403, await removedV1.WaitForCloseAsync(WithinASecond));
        var chat = await owner.NextAsync("chat");
        Assert.Equal(["alice"], chat["data"]!["members"]!.AsArray().Select(m => m!.Text("username")));
        Assert.Null(chat["data"]!["unread"]);
        Assert.Null(chat["data"]!["last_read"]);
        Assert.Equal(403, (await WebSocketClient.TryConnectAsync(_server.Socket(Uri, _room.Member.Token))).Status);
    }

    [Fact]
    public async Task RenameAndJoin_ReachV2AsChatFrames()
    {
        var carol = await _server.CreateUserAsync("carol");
        await using var socket = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await socket.NextAsync("presence");

        await Api.PatchAsync($"/api/chats/{Uri}/", Json(("name", "Lunch")), _room.Owner.Token);
        Assert.Equal("Lunch", (await socket.NextAsync("chat"))["data"]!.Text("name"));
        await Api.JoinChatAsync(carol.Token, Uri);
        Assert.Equal(["alice", "bob", "carol"], (await socket.NextAsync("chat"))["data"]!["members"]!.AsArray().Select(m => m!.Text("username")));
    }

    [Fact]
    public async Task ChatDeletion_ClosesEverySocket4403()
    {
        await using var member = await _server.ConnectAsync(Uri, _room.Member.Token, "v=2");
        await using var anonymous = await _server.ConnectAsync(Uri, null);

        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{Uri}/", _room.Owner.Token)).Code);

        Assert.Equal((WebSocketCloseStatus)4403, await member.WaitForCloseAsync(WithinASecond));
        Assert.Equal((WebSocketCloseStatus)4403, await anonymous.WaitForCloseAsync(WithinASecond));
    }
}

public sealed class ChatFeatureSocketOnPostgresTests : ChatFeatureSocketTests
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
