using System.Net;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Import;

/// <summary>After <c>db import-django</c> of the fixture, the server works with the imported data.</summary>
public class ImportedServerTests(ImportedServer imported) : IClassFixture<ImportedServer>
{
    private ApiClient Api => imported.Server.Api;

    public static TheoryData<string> Pbkdf2Users() => [.. DjangoFixture.Load().Users.Where(u => u.IsActive && u.HashKind.StartsWith("pbkdf2_sha256", StringComparison.Ordinal)).Select(u => u.Username)];

    public static TheoryData<string> BcryptUsers() => [.. DjangoFixture.Load().Users.Where(u => u.IsActive && u.HashKind == "bcrypt_sha256").Select(u => u.Username)];

    public static TheoryData<string> ChatUris() => [.. DjangoFixture.Load().Chats.Select(c => c.Uri)];

    [Fact]
    public void Import_Fixture_ReportsEveryRowImportedAndNoneSkipped()
    {
        var report = imported.Import.Out;
        var manifest = imported.Manifest;
        Assert.Contains($"users:    {manifest.Users.Count}", report);
        Assert.Contains($"chats:    {manifest.Chats.Count}", report);
        Assert.Contains($"members:  {manifest.Chats.Sum(c => c.Members.Count + 1)} ", report);
        Assert.Contains($"messages: {manifest.Chats.Sum(c => c.Messages.Count)}", report);
        Assert.Contains($"tokens:   {manifest.Tokens.Count} (valid until ", report);
        Assert.Contains("skipped:  0 row(s)", report);
        Assert.Contains("warnings: 0", report);
    }

    [Theory]
    [MemberData(nameof(Pbkdf2Users))]
    public async Task Login_ImportedPbkdf2User_SucceedsWithOldPassword(string username) => await AssertLogsInAsync(username);

    [Theory]
    [MemberData(nameof(BcryptUsers))]
    public async Task Login_ImportedBcryptUser_SucceedsWithOldPassword(string username) => await AssertLogsInAsync(username);

    [Fact]
    public async Task Login_ImportedInactiveUser_IsRefused()
    {
        foreach (var user in imported.Manifest.Users.Where(u => !u.IsActive))
        {
            var reply = await Api.PostAsync("/auth/token/login/", ApiClient.Json(("username", user.Username), ("password", user.Password)));
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            Assert.Equal("Unable to log in with provided credentials.", (string?)reply.Body["non_field_errors"]![0]);
        }
    }

    [Fact]
    public async Task DrfToken_AsAuthorizationToken_AuthenticatesItsUser()
    {
        foreach (var token in imported.Manifest.Tokens)
        {
            var me = await Api.SendAsync(HttpMethod.Get, "/auth/users/me/", token: token.Key, scheme: "Token");
            Assert.True(me.Status == HttpStatusCode.OK, me.Text);
            Assert.Equal(token.User, (string?)me.Body["username"]);
        }
    }

    [Theory]
    [MemberData(nameof(ChatUris))]
    public async Task Chat_AtItsOldUri_HasItsMembersOwnerFirstAndItsMessagesInOrder(string uri)
    {
        var manifest = imported.Manifest;
        var chat = manifest.Chats.Single(c => c.Uri == uri);
        var token = manifest.Tokens.Single(t => t.User == chat.Owner).Key;

        var detail = await Api.SendAsync(HttpMethod.Get, $"/api/chats/{uri}/", token: token, scheme: "Token");
        Assert.True(detail.Status == HttpStatusCode.OK, detail.Text);
        Assert.Equal(chat.Owner, (string?)detail.Body["owner"]!["username"]);
        Assert.Equal([chat.Owner, .. chat.Members], detail.Body["members"]!.AsArray().Select(m => (string)m!["username"]!));
        var ids = detail.Body["members"]!.AsArray().Select(m => (long)m!["id"]!);
        Assert.Equal([chat.Owner, .. chat.Members], ids.Select(id => manifest.Users.Single(u => u.Id == id).Username));

        var history = await Api.SendAsync(HttpMethod.Get, $"/api/chats/{uri}/messages/?limit=1000", token: token, scheme: "Token");
        Assert.True(history.Status == HttpStatusCode.OK, history.Text);
        var messages = history.Body["messages"]!.AsArray();
        Assert.Equal(chat.Messages.Count, messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var expected = chat.Messages[i];
            var actual = messages[i]!;
            Assert.Equal(expected.Text, (string?)actual["message"]);
            Assert.Equal(expected.User, (string?)actual["user"]!["username"]);
            Assert.Equal(DjangoFixture.ChatireTime(expected.Created), (string?)actual["created"]);
            Assert.Equal(uri, (string?)actual["uri"]);
        }
    }

    [Fact]
    public async Task Messages_NewIds_FollowTheDjangoIdOrderAcrossChats()
    {
        var manifest = imported.Manifest;
        var stored = new List<(long ChatireId, long DjangoId)>();
        foreach (var chat in manifest.Chats)
        {
            var token = manifest.Tokens.Single(t => t.User == chat.Owner).Key;
            var history = await Api.SendAsync(HttpMethod.Get, $"/api/chats/{chat.Uri}/messages/?limit=1000", token: token, scheme: "Token");
            var ids = history.Body["messages"]!.AsArray().Select(m => (long)m!["id"]!).ToList();
            stored.AddRange(ids.Zip(chat.Messages, (id, message) => (id, message.Id)));
        }

        var byChatireId = stored.OrderBy(s => s.ChatireId).Select(s => s.DjangoId).ToList();
        Assert.Equal(byChatireId.Order(), byChatireId);
        Assert.Equal(stored.Count, stored.Select(s => s.ChatireId).Distinct().Count());
    }

    [Fact]
    public async Task ChatList_OfAMember_ListsTheImportedChats()
    {
        var manifest = imported.Manifest;
        var token = manifest.Tokens.Single(t => t.User == "frank").Key;
        var list = await Api.SendAsync(HttpMethod.Get, "/api/chats/", token: token, scheme: "Token");
        Assert.True(list.Status == HttpStatusCode.OK, list.Text);
        var expected = manifest.Chats.Where(c => c.Owner == "frank" || c.Members.Contains("frank")).Select(c => c.Uri).Order();
        Assert.Equal(expected, list.Body["chats"]!.AsArray().Select(c => (string)c!["uri"]!).Order());
    }

    private async Task AssertLogsInAsync(string username)
    {
        var user = imported.Manifest.Users.Single(u => u.Username == username);
        var login = await Api.PostAsync("/auth/token/login/", ApiClient.Json(("username", user.Username), ("password", user.Password)));
        Assert.True(login.Status == HttpStatusCode.OK, login.Text);
        var me = await Api.GetAsync("/auth/users/me/", (string)login.Body["auth_token"]!);
        Assert.True(me.Status == HttpStatusCode.OK, me.Text);
        Assert.Equal(user.Id, (long)me.Body["id"]!);
        Assert.Equal(user.Email, (string?)me.Body["email"]);
        Assert.Equal(user.FirstName, (string?)me.Body["first_name"]);
        Assert.Equal(user.LastName, (string?)me.Body["last_name"]);
    }
}

/// <summary>The same checks after an import into PostgreSQL.</summary>
public sealed class ImportedServerOnPostgresTests(ImportedPostgresServer imported) : ImportedServerTests(imported), IClassFixture<ImportedPostgresServer>;
