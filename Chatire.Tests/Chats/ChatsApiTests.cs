using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Chats;

/// <summary>Creating, joining, listing chats and posting and paging messages over HTTP.</summary>
public class ChatsApiTests : ThreeUserServerTest
{
    [Fact]
    public async Task Create_Authenticated_ReturnsUriOf15LowercaseHex()
    {
        var reply = await Api.PostAsync("/api/chats/", null, Alice.Token);

        Assert.Equal(200, reply.Code);
        AssertJsonContentType(reply);
        Assert.Equal("SUCCESS", reply.Body["status"]!.GetValue<string>());
        Assert.Equal("New chat session created", reply.Body["message"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{15}$", reply.Body["uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithoutToken_Returns401()
    {
        var reply = await Api.PostAsync("/api/chats/");

        Assert.Equal(401, reply.Code);
        Assert.Equal("Authentication credentials were not provided.", reply.Body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Detail_Owner_ShowsOwnerMembersAndNullLastMessage()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        var reply = await Api.GetAsync($"/api/chats/{uri}", Alice.Token);

        Assert.Equal(200, reply.Code);
        Assert.Equal(uri, reply.Body["uri"]!.GetValue<string>());
        Assert.Equal("alice", reply.Body["owner"]!["username"]!.GetValue<string>());
        Assert.Equal(["alice"], Usernames(reply.Body["members"]!));
        Assert.Null(reply.Body["last_message"]);
        Assert.True(reply.Body.AsObject().ContainsKey("last_message"));
        Assert.EndsWith("Z", reply.Body["created"]!.GetValue<string>());
    }

    [Fact]
    public async Task Detail_NonMember_Returns403_UnknownChat_Returns404()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        Assert.Equal(403, (await Api.GetAsync($"/api/chats/{uri}/", Bob.Token)).Code);
        Assert.Equal(404, (await Api.GetAsync("/api/chats/000000000000000/", Bob.Token)).Code);
    }

    [Fact]
    public async Task Join_Self_AddsMemberInJoinOrderAndIsIdempotent()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        var first = await Api.PatchAsync($"/api/chats/{uri}/", null, Carol.Token);
        await Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "bob")), Bob.Token);
        var again = await Api.PatchAsync($"/api/chats/{uri}/", null, Carol.Token);

        Assert.Equal(200, first.Code);
        Assert.Equal("carol joined the chat", first.Body["message"]!.GetValue<string>());
        Assert.Equal("carol", first.Body["user"]!["username"]!.GetValue<string>());
        Assert.Equal(200, again.Code);
        Assert.Equal(["alice", "carol", "bob"], Usernames(again.Body["members"]!));
    }

    [Fact]
    public async Task Join_OwnerAddsOther_Succeeds_FormBodyAccepted()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        var reply = await Api.PatchAsync($"/api/chats/{uri}/", Form(("username", "BOB")), Alice.Token);

        Assert.Equal(200, reply.Code);
        Assert.Equal("bob joined the chat", reply.Body["message"]!.GetValue<string>());
        Assert.Equal(["alice", "bob"], Usernames(reply.Body["members"]!));
    }

    [Fact]
    public async Task Join_NonOwnerNamesOther_Returns403EvenForUnknownName()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "carol")), Bob.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "nobody")), Bob.Token)).Code);
    }

    [Fact]
    public async Task Join_UnknownUsername_Returns400UserNotFound()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        var reply = await Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "nobody")), Alice.Token);

        Assert.Equal(400, reply.Code);
        Assert.Equal("""{"username":["User not found."]}""", reply.Text);
    }

    [Fact]
    public async Task Join_UnknownChat_Returns404BeforeFieldErrors()
    {
        var reply = await Api.PatchAsync("/api/chats/abcabcabcabcabc/", Json(("username", 5)), Alice.Token);

        Assert.Equal(404, reply.Code);
    }

    [Fact]
    public async Task Post_Member_ReturnsStoredMessageAndHistoryShowsIt()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);
        var text = "  héllo 👋 <b>\n ";

        var reply = await Api.PostAsync($"/api/chats/{uri}/messages/", Json(("message", text)), Alice.Token);
        var history = await Api.GetAsync($"/api/chats/{uri}/messages/", Alice.Token);

        Assert.Equal(200, reply.Code);
        Assert.Equal("SUCCESS", reply.Body["status"]!.GetValue<string>());
        Assert.Equal(text, reply.Body["message"]!.GetValue<string>());
        Assert.Equal(uri, reply.Body["uri"]!.GetValue<string>());
        Assert.Equal("alice", reply.Body["user"]!["username"]!.GetValue<string>());
        Assert.False(reply.Body.AsObject().ContainsKey("client_id"));
        var stored = history.Body["messages"]!.AsArray().Single()!;
        Assert.Equal(reply.Body["id"]!.GetValue<long>(), stored["id"]!.GetValue<long>());
        Assert.Equal(reply.Body["created"]!.GetValue<string>(), stored["created"]!.GetValue<string>());
        Assert.Equal(text, stored["message"]!.GetValue<string>());
        Assert.Equal(uri, history.Body["uri"]!.GetValue<string>());
        Assert.True(history.Body["id"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Post_Validation_Returns400PerField()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);
        var path = $"/api/chats/{uri}/messages/";

        Assert.Equal(400, (await Api.PostAsync(path, Json(), Alice.Token)).Code);
        Assert.Contains("message", (await Api.PostAsync(path, Json(("message", "")), Alice.Token)).Body.AsObject().Select(p => p.Key));
        Assert.Equal("""{"message":["Not a valid string."]}""", (await Api.PostAsync(path, Json(("message", 5)), Alice.Token)).Text);
        Assert.Equal(400, (await Api.PostAsync(path, Json(("message", new string('x', 2001))), Alice.Token)).Code);
        Assert.Equal(200, (await Api.PostAsync(path, Json(("message", string.Concat(Enumerable.Repeat("😀", 2000)))), Alice.Token)).Code);
        Assert.Equal(200, (await Api.PostAsync(path, Json(("message", "   ")), Alice.Token)).Code);
        Assert.Contains("client_id", (await Api.PostAsync(path, Json(("message", "x"), ("client_id", "")), Alice.Token)).Text);
        Assert.Contains("client_id", (await Api.PostAsync(path, Json(("message", "x"), ("client_id", "é")), Alice.Token)).Text);
        Assert.Contains("client_id", (await Api.PostAsync(path, Json(("message", "x"), ("client_id", new string('a', 65))), Alice.Token)).Text);
    }

    [Fact]
    public async Task Post_NonMember_Returns403BeforeFieldErrors_UnknownChat404()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        Assert.Equal(403, (await Api.PostAsync($"/api/chats/{uri}/messages/", Json(("message", "")), Bob.Token)).Code);
        Assert.Equal(404, (await Api.PostAsync("/api/chats/000000000000000/messages/", Json(("message", "hi")), Bob.Token)).Code);
        Assert.Equal(403, (await Api.GetAsync($"/api/chats/{uri}/messages/", Bob.Token)).Code);
    }

    [Fact]
    public async Task Post_SameClientIdTwice_StoresOnce()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);
        await Api.JoinChatAsync(Bob.Token, uri);

        var first = await Api.PostMessageAsync(Alice.Token, uri, "once", "retry-1");
        var second = await Api.PostMessageAsync(Alice.Token, uri, "once again", "retry-1");
        var bobs = await Api.PostMessageAsync(Bob.Token, uri, "mine", "retry-1");
        var history = await Api.GetAsync($"/api/chats/{uri}/messages/", Alice.Token);

        Assert.Equal(first["id"]!.GetValue<long>(), second["id"]!.GetValue<long>());
        Assert.Equal(first["created"]!.GetValue<string>(), second["created"]!.GetValue<string>());
        Assert.Equal("once", second["message"]!.GetValue<string>());
        Assert.Equal("retry-1", second["client_id"]!.GetValue<string>());
        Assert.NotEqual(first["id"]!.GetValue<long>(), bobs["id"]!.GetValue<long>());
        Assert.Equal(2, history.Body["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Post_ConcurrentSameClientId_StoresOnce()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Api.PostMessageAsync(Alice.Token, uri, "x", "same")));

        Assert.Single(replies.Select(r => r["id"]!.GetValue<long>()).Distinct());
        Assert.Single((await Api.GetAsync($"/api/chats/{uri}/messages/", Alice.Token)).Body["messages"]!.AsArray());
    }

    [Fact]
    public async Task History_LimitBeforeAfter_FollowTheRules()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await Api.PostMessageAsync(Alice.Token, uri, $"m{i}"))["id"]!.GetValue<long>());
        }

        var path = $"/api/chats/{uri}/messages/";
        Assert.Equal(ids[7..], await Ids($"{path}?limit=3"));
        Assert.Equal(ids[2..5], await Ids($"{path}?limit=3&before={ids[5]}"));
        Assert.Equal(ids[6..9], await Ids($"{path}?limit=3&after={ids[5]}"));
        Assert.Equal(ids, await Ids($"{path}?limit=5000"));
        Assert.Equal(ids, await Ids(path));
        Assert.Equal(400, (await Api.GetAsync($"{path}?limit=", Alice.Token)).Code);
        Assert.Equal(400, (await Api.GetAsync($"{path}?limit=0", Alice.Token)).Code);
        Assert.Contains("before", (await Api.GetAsync($"{path}?before=x", Alice.Token)).Text);
        Assert.Contains("after", (await Api.GetAsync($"{path}?after=1.5", Alice.Token)).Text);
    }

    [Fact]
    public async Task List_OrdersByLatestActivityWithLastMessage()
    {
        var first = await Api.CreateChatAsync(Alice.Token);
        Server.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Api.CreateChatAsync(Alice.Token);
        Server.Clock.Advance(TimeSpan.FromSeconds(1));
        var bobsChat = await Api.CreateChatAsync(Bob.Token);
        Server.Clock.Advance(TimeSpan.FromSeconds(1));

        var before = await Api.GetAsync("/api/chats/", Alice.Token);
        await Api.PostMessageAsync(Alice.Token, first, "bump");
        var after = await Api.GetAsync("/api/chats/", Alice.Token);

        Assert.Equal([second, first], Uris(before.Body["chats"]!));
        Assert.Equal([first, second], Uris(after.Body["chats"]!));
        Assert.Equal("bump", after.Body["chats"]![0]!["last_message"]!["message"]!.GetValue<string>());
        Assert.DoesNotContain(bobsChat, Uris(after.Body["chats"]!));
    }

    [Fact]
    public async Task Post_RetrySameClientId_CostsNoRateToken_AndIsAnsweredWhenThrottled()
    {
        await using var server = await TestServer.StartAsync(s => s with { MessageRate = 1, MessageBurst = 2 }, backend: Backend);
        var alice = await server.CreateUserAsync("alice");
        var uri = await server.Api.CreateChatAsync(alice.Token);
        var path = $"/api/chats/{uri}/messages/";
        Task<Reply> Post(string text, string clientId) => server.Api.PostAsync(path, Json(("message", text), ("client_id", clientId)), alice.Token);

        var first = await Post("1", "a"); // the first of two tokens
        var retry = await Post("1", "a"); // takes the second, finds the stored copy, gives it back
        var second = await Post("2", "b"); // so this one still has a token
        var retryThrottled = await Post("1", "a"); // no token left: answered with the stored copy
        var throttled = await Post("3", "c");

        Assert.Equal([200, 200, 200, 200], new[] { first, retry, second, retryThrottled }.Select(r => r.Code));
        Assert.Equal(first.Body["id"]!.GetValue<long>(), retry.Body["id"]!.GetValue<long>());
        Assert.Equal(first.Body["id"]!.GetValue<long>(), retryThrottled.Body["id"]!.GetValue<long>());
        Assert.Equal(429, throttled.Code);
        Assert.Equal(2, (await server.Api.GetAsync(path, alice.Token)).Body["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Post_OverRateLimit_Returns429WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync(s => s with { MessageRate = 1, MessageBurst = 2 }, backend: Backend);
        var alice = await server.CreateUserAsync("alice");
        var uri = await server.Api.CreateChatAsync(alice.Token);
        var path = $"/api/chats/{uri}/messages/";

        Assert.Equal(200, (await server.Api.PostAsync(path, Json(("message", "1")), alice.Token)).Code);
        Assert.Equal(200, (await server.Api.PostAsync(path, Json(("message", "2")), alice.Token)).Code);
        var throttled = await server.Api.PostAsync(path, Json(("message", "3")), alice.Token);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = await server.Api.PostAsync(path, Json(("message", "4")), alice.Token);

        Assert.Equal(429, throttled.Code);
        Assert.Equal("1", throttled.Header("Retry-After"));
        Assert.Equal(200, later.Code);
    }

    private async Task<List<long>> Ids(string path) =>
        (await Api.GetAsync(path, Alice.Token)).Body["messages"]!.AsArray().Select(m => m!["id"]!.GetValue<long>()).ToList();

    private static List<string> Usernames(JsonNode members) => members.AsArray().Select(m => m!["username"]!.GetValue<string>()).ToList();

    private static List<string> Uris(JsonNode chats) => chats.AsArray().Select(c => c!["uri"]!.GetValue<string>()).ToList();
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class ChatsApiOnPostgresTests : ChatsApiTests
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
