using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Chats;

/// <summary>Names, leaving, removing and deleting chats over HTTP.</summary>
public class ChatMembershipTests : ThreeUserServerTest
{
    private async Task<string> ChatWithBobAsync(string name = "")
    {
        var uri = name.Length > 0 ? await Api.CreateNamedChatAsync(Alice.Token, name) : await Api.CreateChatAsync(Alice.Token);
        await Api.JoinChatAsync(Bob.Token, uri);
        return uri;
    }

    private static string[] Usernames(JsonNode members) => [.. members.AsArray().Select(m => m!["username"]!.GetValue<string>())];

    [Fact]
    public async Task Create_WithName_NameInDetailAndList_WithoutName_EmptyString()
    {
        var named = await Api.CreateNamedChatAsync(Alice.Token, "Plans 🎉");
        var unnamed = await Api.CreateChatAsync(Alice.Token);

        Assert.Equal("Plans 🎉", (await Api.GetAsync($"/api/chats/{named}/", Alice.Token)).Body["name"]!.GetValue<string>());
        var detail = (await Api.GetAsync($"/api/chats/{unnamed}/", Alice.Token)).Body;
        Assert.Equal("", detail["name"]!.GetValue<string>());
        Assert.Equal(0, detail["last_read"]!.GetValue<long>());
        Assert.Equal(0, detail["unread"]!.GetValue<int>());
        var list = (await Api.GetAsync("/api/chats/", Alice.Token)).Body["chats"]!.AsArray();
        Assert.Equal(["", "Plans 🎉"], list.Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_NameTooLongOrNotString_Returns400()
    {
        var tooLong = await Api.PostAsync("/api/chats/", Json(("name", new string('x', 101))), Alice.Token);
        var number = await Api.PostAsync("/api/chats/", "{\"name\": 5}", Alice.Token);

        Assert.Equal(400, tooLong.Code);
        Assert.NotNull(tooLong.Body["name"]);
        Assert.Equal(400, number.Code);
        Assert.Equal("Not a valid string.", number.Body["name"]![0]!.GetValue<string>());
        Assert.Equal(200, (await Api.PostAsync("/api/chats/", Json(("name", new string('x', 100))), Alice.Token)).Code);
    }

    [Fact]
    public async Task Rename_Owner_Returns200ChatObject_JoinsNobody()
    {
        var uri = await ChatWithBobAsync("old");

        var reply = await Api.PatchAsync($"/api/chats/{uri}/", Json(("name", "new")), Alice.Token);

        Assert.Equal(200, reply.Code);
        Assert.Equal("new", reply.Body["name"]!.GetValue<string>());
        Assert.Equal(["alice", "bob"], Usernames(reply.Body["members"]!));
        Assert.Equal(0, reply.Body["unread"]!.GetValue<int>());
        Assert.Equal("new", (await Api.GetAsync($"/api/chats/{uri}/", Bob.Token)).Body["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rename_ChecksInContractOrder()
    {
        var uri = await ChatWithBobAsync();

        Assert.Equal(404, (await Api.PatchAsync("/api/chats/000000000000000/", Json(("name", new string('x', 500))), Carol.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{uri}/", Json(("name", new string('x', 500))), Carol.Token)).Code);
        Assert.Equal(403, (await Api.PatchAsync($"/api/chats/{uri}/", Json(("name", new string('x', 500))), Bob.Token)).Code);
        Assert.Equal(400, (await Api.PatchAsync($"/api/chats/{uri}/", Json(("name", new string('x', 101))), Alice.Token)).Code);
        var both = await Api.PatchAsync($"/api/chats/{uri}/", Json(("name", "n"), ("username", "carol")), Alice.Token);
        Assert.Equal(400, both.Code);
        Assert.Equal("Send either name or username, not both.", both.Body["non_field_errors"]![0]!.GetValue<string>());
        Assert.Equal(["alice", "bob"], Usernames((await Api.GetAsync($"/api/chats/{uri}/", Alice.Token)).Body["members"]!));
    }

    [Fact]
    public async Task Leave_Member_Returns204_ThenRequestsGet403()
    {
        var uri = await ChatWithBobAsync();

        var reply = await Api.DeleteAsync($"/api/chats/{uri}/members/bob/", Bob.Token);

        Assert.Equal(204, reply.Code);
        Assert.Equal("", reply.Text);
        Assert.Equal(403, (await Api.GetAsync($"/api/chats/{uri}/messages/", Bob.Token)).Code);
        Assert.Equal(403, (await Api.PostAsync($"/api/chats/{uri}/messages/", Json(("message", "hi")), Bob.Token)).Code);
        Assert.Empty((await Api.GetAsync("/api/chats/", Bob.Token)).Body["chats"]!.AsArray());
        Assert.Equal(["alice"], Usernames((await Api.GetAsync($"/api/chats/{uri}/", Alice.Token)).Body["members"]!));
    }

    [Fact]
    public async Task Remove_ByOwner_Returns204_RejoinListsAtTheEnd()
    {
        var uri = await ChatWithBobAsync();
        await Api.JoinChatAsync(Carol.Token, uri);

        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{uri}/members/bob", Alice.Token)).Code);
        Assert.Equal(403, (await Api.GetAsync($"/api/chats/{uri}/", Bob.Token)).Code);
        await Api.JoinChatAsync(Bob.Token, uri);

        Assert.Equal(["alice", "carol", "bob"], Usernames((await Api.GetAsync($"/api/chats/{uri}/", Bob.Token)).Body["members"]!));
    }

    [Fact]
    public async Task Remove_ChecksInContractOrder()
    {
        var uri = await ChatWithBobAsync();
        await Api.JoinChatAsync(Carol.Token, uri);
        var dave = await Server.CreateUserAsync("dave");

        Assert.Equal(404, (await Api.DeleteAsync("/api/chats/000000000000000/members/bob/", Bob.Token)).Code);
        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{uri}/members/nobody/", dave.Token)).Code);
        Assert.Equal(404, (await Api.DeleteAsync($"/api/chats/{uri}/members/nobody/", Bob.Token)).Code);
        Assert.Equal(404, (await Api.DeleteAsync($"/api/chats/{uri}/members/dave/", Bob.Token)).Code);
        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{uri}/members/carol/", Bob.Token)).Code);
        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{uri}/members/alice/", Bob.Token)).Code);
        var ownerLeaves = await Api.DeleteAsync($"/api/chats/{uri}/members/alice/", Alice.Token);
        Assert.Equal(400, ownerLeaves.Code);
        Assert.Equal("The owner cannot leave the chat; delete it instead.", ownerLeaves.Body["detail"]!.GetValue<string>());
        Assert.Equal(["alice", "bob", "carol"], Usernames((await Api.GetAsync($"/api/chats/{uri}/", Alice.Token)).Body["members"]!));
    }

    [Fact]
    public async Task DeleteChat_Owner_Returns204_ThenEverythingIsGone()
    {
        var uri = await ChatWithBobAsync();
        await Api.PostMessageAsync(Bob.Token, uri, "hello");

        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{uri}/", Bob.Token)).Code);
        Assert.Equal(403, (await Api.DeleteAsync($"/api/chats/{uri}/", Carol.Token)).Code);
        Assert.Equal(204, (await Api.DeleteAsync($"/api/chats/{uri}/", Alice.Token)).Code);

        Assert.Equal(404, (await Api.GetAsync($"/api/chats/{uri}/", Alice.Token)).Code);
        Assert.Equal(404, (await Api.GetAsync($"/api/chats/{uri}/messages/", Bob.Token)).Code);
        Assert.Empty((await Api.GetAsync("/api/chats/", Bob.Token)).Body["chats"]!.AsArray());
        Assert.Equal(404, (await Api.DeleteAsync($"/api/chats/{uri}/", Alice.Token)).Code);
    }

    [Fact]
    public async Task OldJoinCall_AnswersAsBefore()
    {
        var uri = await Api.CreateChatAsync(Alice.Token);

        var reply = await Api.PatchAsync($"/api/chats/{uri}/", Json(("username", "bob")), Bob.Token);

        Assert.Equal(200, reply.Code);
        Assert.Equal(["status", "members", "message", "user"], reply.Body.AsObject().Select(p => p.Key));
        Assert.Equal("bob joined the chat", reply.Body["message"]!.GetValue<string>());
    }
}

public sealed class ChatMembershipOnPostgresTests : ChatMembershipTests
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
