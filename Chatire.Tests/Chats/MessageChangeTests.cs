using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Chats;

/// <summary>Editing and deleting messages, and read state, over HTTP.</summary>
public class MessageChangeTests : ThreeUserServerTest
{
    private string _uri = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _uri = await Api.CreateChatAsync(Alice.Token);
        await Api.JoinChatAsync(Bob.Token, _uri);
    }

    private async Task<long> PostAsync(TestUsers.Account who, string text, string? clientId = null) =>
        (await Api.PostMessageAsync(who.Token, _uri, text, clientId))["id"]!.GetValue<long>();

    private async Task<JsonArray> HistoryAsync() => (await Api.GetAsync($"/api/chats/{_uri}/messages/", Alice.Token)).Body["messages"]!.AsArray();

    private async Task<JsonNode> DetailAsync(TestUsers.Account who) => (await Api.GetAsync($"/api/chats/{_uri}/", who.Token)).Body;

    [Fact]
    public async Task Edit_Author_ReturnsMessageWithEdited_HistoryShowsIt()
    {
        var id = await PostAsync(Bob, "helo", "c1");

        var reply = await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", Json(("message", "hello")), Bob.Token);

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
        var id = await PostAsync(Bob, "mine");
        var bad = Json(("message", ""));

        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/000000000000000/messages/{id}/", bad, Carol.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{_uri}/messages/999999/", bad, Carol.Token)).Code);
        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/999999/", bad, Alice.Token)).Code);
        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/abc/", bad, Alice.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", bad, Alice.Token)).Code);
        var blank = await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", bad, Bob.Token);
        Assert.Equal(400, blank.Code);
        Assert.NotNull(blank.Body["message"]);
        Assert.Equal(400, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", null, Bob.Token)).Code);
        Assert.Equal(400, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", Json(("message", new string('x', 2001))), Bob.Token)).Code);
        Assert.Equal("mine", (await HistoryAsync()).Single()!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Edit_MessageOfAnotherChat_Returns404()
    {
        var other = await Api.CreateChatAsync(Bob.Token);
        var id = (await Api.PostMessageAsync(Bob.Token, other, "elsewhere"))["id"]!.GetValue<long>();

        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{id}/", Json(("message", "x")), Bob.Token)).Code);
        Assert.Equal(404, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{id}/", Bob.Token)).Code);
    }

    [Fact]
    public async Task Delete_AuthorOrOwner_LeavesTombstone_Twice204_EditThen404()
    {
        var first = await PostAsync(Bob, "one", "cid");
        var second = await PostAsync(Bob, "two");
        var third = await PostAsync(Alice, "three");

        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{third}/", Bob.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{first}/", Bob.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", Alice.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", Alice.Token)).Code);
        Assert.Equal(404, (await Api.PatchAsync($"/api/chats/{_uri}/messages/{first}/", Json(("message", "x")), Bob.Token)).Code);

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
        var first = await PostAsync(Bob, "one");
        var second = await PostAsync(Bob, "two");

        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", Bob.Token);
        Assert.Equal(first, (await DetailAsync(Alice))["last_message"]!["id"]!.GetValue<long>());
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{first}/", Bob.Token);
        var detail = await DetailAsync(Alice);
        Assert.True(detail.AsObject().ContainsKey("last_message"));
        Assert.Null(detail["last_message"]);
    }

    [Fact]
    public async Task Post_MovesTheAuthorsMarkerToIt_OthersKeepTheirs()
    {
        var first = await PostAsync(Alice, "one");
        var second = await PostAsync(Bob, "two");

        Assert.Equal(first, (await DetailAsync(Alice))["last_read"]!.GetValue<long>());
        Assert.Equal(1, (await DetailAsync(Alice))["unread"]!.GetValue<int>());
        Assert.Equal(second, (await DetailAsync(Bob))["last_read"]!.GetValue<long>());
        Assert.Equal(0, (await DetailAsync(Bob))["unread"]!.GetValue<int>());
    }

    [Fact]
    public async Task Read_MovesForwardOnly_ClampsToNewestIdDeletedIncluded()
    {
        var carol = Carol;
        await Api.JoinChatAsync(Carol.Token, _uri);
        var first = await PostAsync(Bob, "one");
        var second = await PostAsync(Bob, "two");
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{second}/", Bob.Token);

        var moved = await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", first)), Alice.Token);
        Assert.Equal(200, moved.Code);
        Assert.Equal(first, moved.Body["last_read"]!.GetValue<long>());
        Assert.Equal(first, (await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", 0)), Alice.Token)).Body["last_read"]!.GetValue<long>());
        Assert.Equal(second, (await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", 1_000_000_000)), Alice.Token)).Body["last_read"]!.GetValue<long>());
        Assert.Equal(second, (await Api.PostAsync($"/api/chats/{_uri}/read/", Form(("up_to", "3")), Alice.Token)).Body["last_read"]!.GetValue<long>());

        var detail = await DetailAsync(Alice);
        Assert.Equal(second, detail["last_read"]!.GetValue<long>());
        Assert.Equal(0, (await DetailAsync(carol))["last_read"]!.GetValue<long>());
    }

    [Fact]
    public async Task Read_ChecksInContractOrder()
    {
        Assert.Equal(404, (await Api.PostAsync("/api/chats/000000000000000/read/", Json(("up_to", -1)), Carol.Token)).Code);
        Assert.Equal(403, (await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", -1)), Carol.Token)).Code);
        foreach (var body in new[] { "{\"up_to\": -1}", "{\"up_to\": 1.5}", "{\"up_to\": null}", "{\"up_to\": \"x\"}", "{}" })
        {
            var reply = await Api.PostAsync($"/api/chats/{_uri}/read/", body, Alice.Token);
            Assert.Equal(400, reply.Code);
            Assert.NotNull(reply.Body["up_to"]);
        }
    }

    [Fact]
    public async Task Unread_CountsOthersNotDeleted_ExactUpTo1000()
    {
        await PostAsync(Alice, "own");
        var ids = new List<long>();
        for (var batch = 0; batch < 1005; batch += 15)
        {
            var posts = Enumerable.Range(batch, Math.Min(15, 1005 - batch)).Select(i => Api.PostMessageAsync(Bob.Token, _uri, $"m{i}"));
            ids.AddRange((await Task.WhenAll(posts)).Select(r => r["id"]!.GetValue<long>()));
        }

        ids.Sort();
        Assert.Equal(1000, (await DetailAsync(Alice))["unread"]!.GetValue<int>());
        Assert.Equal(0, (await DetailAsync(Bob))["unread"]!.GetValue<int>()); // posting moved bob's marker
        Assert.Equal(ids[^1], (await DetailAsync(Bob))["last_read"]!.GetValue<long>());

        await Api.PostAsync($"/api/chats/{_uri}/read/", Json(("up_to", ids[5])), Alice.Token);
        Assert.Equal(999, (await DetailAsync(Alice))["unread"]!.GetValue<int>());
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{ids[^1]}/", Bob.Token);
        await Api.DeleteAsync($"/api/chats/{_uri}/messages/{ids[0]}/", Bob.Token);
        Assert.Equal(998, (await Api.GetAsync("/api/chats/", Alice.Token)).Body["chats"]![0]!["unread"]!.GetValue<int>());
    }
}

public sealed class MessageChangeOnPostgresTests : MessageChangeTests
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
