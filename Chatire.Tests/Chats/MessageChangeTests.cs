using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Chats;

/// <summary>Editing and deleting messages, and read state, over HTTP.</summary>
public class MessageChangeTests : IAsyncLifetime
{
    protected virtual TestBackend Backend => TestBackend.Sqlite;

    private TestServer _server = null!;
    private TestUsers.Account _alice = null!;
    private TestUsers.Account _bob = null!;
    private TestUsers.Account _carol = null!;
    private string _uri = "";

    private ApiClient Api => _server.Api;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0 }, backend: Backend);
        _alice = await _server.CreateUserAsync("alice");
        _bob = await _server.CreateUserAsync("bob");
        _carol = await _server.CreateUserAsync("carol");
        _uri = await Api.CreateChatAsync(_alice.Token);
        await Api.JoinChatAsync(_bob.Token, _uri);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<long> PostAsync(TestUsers.Account who, string text, string? clientId = null) =>
        (await Api.PostMessageAsync(who.Token, _uri, text, clientId))["id"]!.GetValue<long>();

    private async Task<JsonArray> HistoryAsync() => (await Api.GetAsync($"/api/chats/{_uri}/messages/", _alice.Token)).Body["messages"]!.AsArray();

    private async Task<JsonNode> DetailAsync(TestUsers.Account who) => (await Api.GetAsync($"/api/chats/{_uri}/", who.Token)).Body;

    [Fact]
    public async Task Edit_Author_ReturnsMessageWithEdited_HistoryShowsIt()
    {
        var id = await PostAsync(_bob, "helo", "c1");

        var reply = await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", Json(("message", "hello")), _bob.Token);

        Assert.Equal(200, reply.Code);
        Assert.Equal("hello", reply.Body["message"]!.GetValue<string>());
        Assert.Equal(id, reply.Body["id"]!.GetValue<long>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", reply.Body["edited"]!.GetValue<string>());
        var stored = (await HistoryAsync()).Single();
        Assert.Equal("hello", stored!["message"]!.GetValue<string>());
        Assert.Equal(reply.Body["edited"]!.GetValue<string>(), stored["edited"]!.GetValue<string>());
        Assert.Null(stored["deleted"]);
    }

    [Fact]
    public async Task Edit_ChecksInContractOrder()
    {
        var id = await PostAsync(_bob, "mine");
        var bad = Json(("message", ""));

        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/000000000000000/messages/{id}/", bad, _carol.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{_uri}/messages/999999/", bad, _carol.Token)).Code);
        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/999999/", bad, _alice.Token)).Code);
        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/abc/", bad, _alice.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", bad, _alice.Token)).Code);
        var blank = await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", bad, _bob.Token);
        Assert.Equal(400, blank.Code);
        Assert.NotNull(blank.Body["message"]);
        Assert.Equal(400, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", null, _bob.Token)).Code);
        Assert.Equal(400, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", Json(("message", new string('x', 2001))), _bob.Token)).Code);
        Assert.Equal("mine", (await HistoryAsync()).Single()!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Edit_MessageOfAnotherChat_Returns404()
    {
        var other = await Api.CreateChatAsync(_bob.Token);
        var id = (await Api.PostMessageAsync(_bob.Token, other, "elsewhere"))["id"]!.GetValue<long>();

        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", Json(("message", "x")), _bob.Token)).Code);
        Assert.Equal(404, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{id}/", _bob.Token)).Code);
    }

    [Fact]
    public async Task Delete_AuthorOrOwner_LeavesTombstone_Twice204_EditThen404()
    {
        var first = await PostAsync(_bob, "one", "cid");
        var second = await PostAsync(_bob, "two");
        var third = await PostAsync(_alice, "three");

        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{third}/", _bob.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{first}/", _bob.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", _alice.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", _alice.Token)).Code);
        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{first}/", Json(("message", "x")), _bob.Token)).Code);

        var history = await HistoryAsync();
        Assert.Equal([first, second, third], history.Select(m => m!["id"]!.GetValue<long>()));
        var tombstone = history[0]!.AsObject();
        Assert.Equal(["id", "uri", "user", "message", "created", "deleted"], tombstone.Select(p => p.Key));
        Assert.Equal("", tombstone["message"]!.GetValue<string>());
        Assert.True(tombstone["deleted"]!.GetValue<bool>());
        Assert.Equal("bob", tombstone["user"]!["username"]!.GetValue<string>());
        Assert.Equal("three", history[2]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task LastMessage_IsNewestNotDeleted_OrNull()
    {
        var first = await PostAsync(_bob, "one");
        var second = await PostAsync(_bob, "two");

        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", _bob.Token);
        Assert.Equal(first, (await DetailAsync(_alice))["last_message"]!["id"]!.GetValue<long>());
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{first}/", _bob.Token);
        var detail = await DetailAsync(_alice);
        Assert.True(detail.AsObject().ContainsKey("last_message"));
        Assert.Null(detail["last_message"]);
    }

    [Fact]
    public async Task Post_MovesTheAuthorsMarkerToIt_OthersKeepTheirs()
    {
        var first = await PostAsync(_alice, "one");
        var second = await PostAsync(_bob, "two");

        Assert.Equal(first, (await DetailAsync(_alice))["last_read"]!.GetValue<long>());
        Assert.Equal(1, (await DetailAsync(_alice))["unread"]!.GetValue<int>());
        Assert.Equal(second, (await DetailAsync(_bob))["last_read"]!.GetValue<long>());
        Assert.Equal(0, (await DetailAsync(_bob))["unread"]!.GetValue<int>());
    }

    [Fact]
    public async Task Read_MovesForwardOnly_ClampsToNewestIdDeletedIncluded()
    {
        var carol = _carol;
        await Api.JoinChatAsync(_carol.Token, _uri);
        var first = await PostAsync(_bob, "one");
        var second = await PostAsync(_bob, "two");
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", _bob.Token);

        var moved = await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", first)), _alice.Token);
        Assert.Equal(200, moved.Code);
        Assert.Equal(first, moved.Body["last_read"]!.GetValue<long>());
        Assert.Equal(first, (await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", 0)), _alice.Token)).Body["last_read"]!.GetValue<long>());
        Assert.Equal(second, (await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", 1_000_000_000)), _alice.Token)).Body["last_read"]!.GetValue<long>());
        Assert.Equal(second, (await Api.PostAsync($"/api/chats/{_uri}/read/", Form(("up_to", "3")), _alice.Token)).Body["last_read"]!.GetValue<long>());

        var detail = await DetailAsync(_alice);
        Assert.Equal(second, detail["last_read"]!.GetValue<long>());
        Assert.Equal(0, (await DetailAsync(carol))["last_read"]!.GetValue<long>());
    }

    [Fact]
    public async Task Read_ChecksInContractOrder()
    {
        Assert.Equal(404, (await Api.PostAsync("/api/chats/000000000000000/read/", Json(("up_to", -1)), _carol.Token)).Code);
        Assert.Equal(403, (await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", -1)), _carol.Token)).Code);
        foreach (var body in new[] { "{\"up_to\": -1}", "{\"up_to\": 1.5}", "{\"up_to\": null}", "{\"up_to\": \"x\"}", "{}" })
        {
            var reply = await Api.PostAsync($"/api/chats/{_uri}/read/", body, _alice.Token);
            Assert.Equal(400, reply.Code);
            Assert.NotNull(reply.Body["up_to"]);
        }
    }

    [Fact]
    public async Task Unread_CountsOthersNotDeleted_ExactUpTo1000()
    {
        await PostAsync(_alice, "own");
        var ids = new List<long>();
        for (var batch = 0; batch < 1005; batch += 15)
        {
            var posts = Enumerable.Range(batch, Math.Min(15, 1005 - batch)).Select(i => Api.PostMessageAsync(_bob.Token, _uri, $"m{i}"));
            ids.AddRange((await Task.WhenAll(posts)).Select(r => r["id"]!.GetValue<long>()));
        }

        ids.Sort();
        Assert.Equal(1000, (await DetailAsync(_alice))["unread"]!.GetValue<int>());
        Assert.Equal(0, (await DetailAsync(_bob))["unread"]!.GetValue<int>()); // posting moved bob's marker
        Assert.Equal(ids[^1], (await DetailAsync(_bob))["last_read"]!.GetValue<long>());

        await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", ids[5])), _alice.Token);
        Assert.Equal(999, (await DetailAsync(_alice))["unread"]!.GetValue<int>());
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{ids[^1]}/", _bob.Token);
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{ids[0]}/", _bob.Token);
        Assert.Equal(998, (await Api.GetAsync("/api/chats/", _alice.Token)).Body["chats"]![0]!["unread"]!.GetValue<int>());
    }
}

public sealed class MessageChangeOnPostgresTests : MessageChangeTests
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
