using System.Diagnostics;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using Xunit.Abstractions;
using Chatire.Realtime;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Realtime;

/// <summary>The user stream /ws/me/: the chat list first, then coalesced chat frames and removed frames.</summary>
public class UserStreamTests(ITestOutputHelper output) : IAsyncLifetime
{
    protected virtual TestBackend Backend => TestBackend.Sqlite;

    private TestServer _server = null!;
    private TestUsers.Account _alice = null!;
    private TestUsers.Account _bob = null!;

    private ApiClient Api => _server.Api;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0, WsAnonymous = true, WsPort = -1 }, backend: Backend);
        _alice = await _server.CreateUserAsync("alice");
        _bob = await _server.CreateUserAsync("bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri StreamUri(string token, int? port = null) => _server.WebSocketUri("/ws/me/?token=" + System.Uri.EscapeDataString(token), port);

    private Task<WebSocketClient> StreamAsync(TestUsers.Account who) => WebSocketClient.ConnectAsync(StreamUri(who.Token));

    private static JsonNode Data(JsonNode frame) => frame["data"]!;

    [Fact]
    public async Task FirstFrame_IsWhatTheChatListReturns()
    {
        var uri = await Api.CreateNamedChatAsync(_alice.Token, "one");
        await Api.JoinChatAsync(_bob.Token, uri);
        await Api.PostMessageAsync(_bob.Token, uri, "hi");
        await Api.CreateChatAsync(_alice.Token);

        await using var stream = await StreamAsync(_alice);
        var first = await stream.ReceiveJsonAsync();

        Assert.Equal("chats", first.Text("type"));
        var list = (await Api.GetAsync("/api/chats/", _alice.Token)).Body["chats"]!;
        Assert.Equal(Serialize(list), Serialize(first["chats"]!));
        Assert.Equal(1, first["chats"]![1]!["unread"]!.GetValue<int>());
    }

    [Fact]
    public async Task Refusals_NoToken401EvenAnonymous_WsPort404_BadToken401()
    {
        Assert.Equal(401, (await WebSocketClient.TryConnectAsync(_server.WebSocketUri("/ws/me/"))).Status);
        Assert.Equal(401, (await WebSocketClient.TryConnectAsync(StreamUri("not-a-token"))).Status);
        Assert.Equal(404, (await WebSocketClient.TryConnectAsync(StreamUri(_alice.Token, _server.Server.WsPort))).Status);
        Assert.Equal(403, (await WebSocketClient.TryConnectAsync(StreamUri(_alice.Token), origin: "http://evil.example")).Status);
        Assert.Equal(101, (await WebSocketClient.TryConnectAsync(_server.WebSocketUri("/ws/me?token=" + System.Uri.EscapeDataString(_alice.Token)))).Status);
    }

    [Fact]
    public async Task NewMessages_UpdateUnreadForOthers_NotForTheAuthor()
    {
        var uri = await Api.CreateChatAsync(_alice.Token);
        await Api.JoinChatAsync(_bob.Token, uri);
        await using var alice = await StreamAsync(_alice);
        await using var bob = await StreamAsync(_bob);
        await alice.NextAsync("chats");
        await bob.NextAsync("chats");

        var posted = await Api.PostMessageAsync(_bob.Token, uri, "news");

        var forAlice = Data(await alice.NextAsync("chat"));
        Assert.Equal(1, forAlice["unread"]!.GetValue<int>());
        Assert.Equal("news", forAlice["last_message"]!.Text("message"));
        var forBob = Data(await bob.NextAsync("chat"));
        Assert.Equal(0, forBob["unread"]!.GetValue<int>());
        Assert.Equal(posted["id"]!.GetValue<long>(), forBob["last_message"]!.Long("id"));
    }

    [Fact]
    public async Task ManyChanges_AreCoalesced_LastFrameShowsCurrentState()
    {
        var uri = await Api.CreateChatAsync(_alice.Token);
        await Api.JoinChatAsync(_bob.Token, uri);
        await using var alice = await StreamAsync(_alice);
        await alice.NextAsync("chats");

        for (var i = 0; i < 20; i++)
        {
            await Api.PostMessageAsync(_bob.Token, uri, $"m{i}");
        }

        var frames = 0;
        JsonNode data;
        do
        {
            data = Data(await alice.NextAsync("chat"));
            frames++;
        }
        while (data["unread"]!.GetValue<int>() < 20);

        Assert.Equal("m19", data["last_message"]!.Text("message"));
        Assert.True(frames < 20, $"{frames} frames for 20 messages");
        Assert.Null(await alice.NothingBut(TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task OwnReadMarker_FromAnotherDevice_ClearsUnread()
    {
        var uri = await Api.CreateChatAsync(_alice.Token);
        await Api.JoinChatAsync(_bob.Token, uri);
        var id = (await Api.PostMessageAsync(_bob.Token, uri, "read me"))["id"]!.GetValue<long>();
        await using var alice = await StreamAsync(_alice);
        Assert.Equal(1, (await alice.NextAsync("chats"))["chats"]![0]!["unread"]!.GetValue<int>());

        await Api.PostAsync($"/api/chats/{uri}/read/", Json(("up_to", id)), _alice.Token);

        var data = Data(await alice.NextAsync("chat"));
        Assert.Equal(0, data["unread"]!.GetValue<int>());
        Assert.Equal(id, data["last_read"]!.GetValue<long>());
    }

    [Fact]
    public async Task CreatedOrAddedChat_Appears_RemovalAndDeletion_SendRemoved()
    {
        await using var alice = await StreamAsync(_alice);
        await using var bob = await StreamAsync(_bob);
        await alice.NextAsync("chats");
        Assert.Empty((await bob.NextAsync("chats"))["chats"]!.AsArray());

        var uri = await Api.CreateNamedChatAsync(_alice.Token, "new");
        Assert.Equal("new", Data(await alice.NextAsync("chat")).Text("name"));
        await Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "bob")), _alice.Token);
        var added = Data(await bob.NextAsync("chat"));
        Assert.Equal(uri, added.Text("uri"));
        Assert.Equal(0, added["unread"]!.GetValue<int>());

        await Api.DeleteAsync($"/api/chats/{uri}/members/bob/", _alice.Token);
        Assert.Equal(uri, (await bob.NextAsync("removed")).Text("uri"));
        while (Data(await alice.NextAsync("chat"))["members"]!.AsArray().Count != 1)
        {
        }


        await Api.PostMessageAsync(_alice.Token, uri, "bob no longer hears this");
        Assert.Null(await bob.NothingBut(TimeSpan.FromMilliseconds(400)));
        await Api.DeleteAsync($"/api/chats/{uri}/", _alice.Token);
        Assert.Equal(uri, (await alice.NextAsync("removed", skip: ["chat"])).Text("uri"));
    }

    [Fact]
    public async Task EditAndDelete_UpdateLastMessageAndUnread()
    {
        var uri = await Api.CreateChatAsync(_alice.Token);
        await Api.JoinChatAsync(_bob.Token, uri);
        var id = (await Api.PostMessageAsync(_bob.Token, uri, "typo"))["id"]!.GetValue<long>();
        await using var alice = await StreamAsync(_alice);
        await alice.NextAsync("chats");

        await Api.PatchAsync($"/api/chats/{uri}/messages/{id}/", Json(("message", "fixed")), _bob.Token);
        Assert.Equal("fixed", Data(await alice.NextAsync("chat"))["last_message"]!.Text("message"));
        await Api.DeleteAsync($"/api/chats/{uri}/messages/{id}/", _bob.Token);
        var data = Data(await alice.NextAsync("chat"));
        Assert.Null(data["last_message"]);
        Assert.Equal(0, data["unread"]!.GetValue<int>());
    }

    [Fact]
    public async Task ClientFrames_GetErrorFrames()
    {
        await using var alice = await StreamAsync(_alice);
        await alice.NextAsync("chats");

        await alice.SendTextAsync("{\"type\":\"read\",\"up_to\":1}");

        Assert.Equal("The user stream takes no frames.", (await alice.NextAsync("error")).Text("detail"));
    }

    /// <summary>CHATIRE_STREAM_MEMBERS sets the members (default 40; docs/operations.md quotes 1,000).</summary>
    [Fact]
    public async Task MessageInABigChat_SerializesOncePerDistinctFrame_NotPerMember()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("CHATIRE_STREAM_MEMBERS"), out var n) ? n : 40;
        var uri = await Api.CreateChatAsync(_alice.Token);
        var streams = new List<WebSocketClient>();
        try
        {
            var members = new List<TestUsers.Account>();
            for (var i = 0; i < count; i++)
            {
                var member = await _server.CreateUserAsync($"member{i}");
                await Api.JoinChatAsync(member.Token, uri);
                members.Add(member);
            }

            foreach (var member in members)
            {
                var stream = await StreamAsync(member);
                await stream.NextAsync("chats");
                streams.Add(stream);
            }

            var before = _server.Server.Hub.Streams.FramesSerialized;
            var flushedBefore = _server.Server.Hub.Streams.FlushTime;
            var watch = Stopwatch.StartNew();
            await Api.PostMessageAsync(_alice.Token, uri, "to everyone");
            var arrivals = await Task.WhenAll(streams.Select(async stream =>
            {
                Assert.Equal(1, Data(await stream.NextAsync("chat"))["unread"]!.GetValue<int>());
                return watch.Elapsed.TotalMilliseconds;
            }));
            output.WriteLine($"{Backend}: a message reached {count} user streams: first frame after {arrivals.Min():F0} ms, last after {arrivals.Max():F0} ms (coalescing window {UserStreams.Coalesce.TotalMilliseconds} ms); {_server.Server.Hub.Streams.FramesSerialized - before} serializations, server flush {(_server.Server.Hub.Streams.FlushTime - flushedBefore).TotalMilliseconds:F1} ms");

            Assert.Equal(2, _server.Server.Hub.Streams.FramesSerialized - before); // the shared part and one ending
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }
}

public sealed class UserStreamOnPostgresTests(ITestOutputHelper output) : UserStreamTests(output)
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
