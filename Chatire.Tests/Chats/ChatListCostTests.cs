using System.Diagnostics;
using Chatire.Storage;
using Chatire.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chatire.Tests.Chats;

/// <summary>
/// What GET /api/chats/ costs for a user in 200 chats full of unread messages: the unread counts come
/// from a capped count on the partial index, so the answer stays exact up to 1000 and its cost does not
/// grow with the history. CHATIRE_LIST_MESSAGES sets the messages per chat (default 1,100; the figure in
/// docs/operations.md was measured with 10,000).
/// </summary>
public class ChatListCostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Chats = 200;

    // Seeds a chat's history in one statement (both engines read this SQL alike).
    private const string SeedSql = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
        INSERT INTO messages (chat_id, user_id, message, created) SELECT @chat, @user, 'seeded', @created FROM n
        """;

    protected virtual TestBackend Backend => TestBackend.Sqlite;

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(s => s with { MessageRate = 0 }, backend: Backend);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task List_200ChatsFullOfUnread_CountsCappedAt1000_AndIsMeasured()
    {
        var perChat = int.TryParse(Environment.GetEnvironmentVariable("CHATIRE_LIST_MESSAGES"), out var n) ? n : 1100;
        var reader = await _server.CreateUserAsync("reader");
        var writer = await _server.CreateUserAsync("writer");
        var seeding = Stopwatch.StartNew();
        for (var i = 0; i < Chats; i++)
        {
            var uri = await _server.Api.CreateChatAsync(writer.Token);
            await _server.Api.JoinChatAsync(reader.Token, uri);
            var chat = _server.Server.Chats.Find(uri);
            await _server.Server.Database.WriteAsync(c => Database.Execute(c, SeedSql, ("@count", perChat), ("@chat", chat.Id), ("@user", writer.User.Id), ("@created", chat.Created)));
        }

        output.WriteLine($"{Backend}: seeded {Chats} chats x {perChat} messages in {seeding.Elapsed.TotalSeconds:F1} s");
        var first = await _server.Api.GetAsync("/api/chats/", reader.Token);
        Assert.Equal(200, first.Code);
        Assert.All(first.Body["chats"]!.AsArray(), c => Assert.Equal(Math.Min(1000, perChat), c!["unread"]!.GetValue<int>()));

        var times = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            var reply = await _server.Api.GetAsync("/api/chats/", reader.Token);
            times.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(200, reply.Code);
        }

        var caughtUp = new List<double>();
        foreach (var chat in first.Body["chats"]!.AsArray())
        {
            await _server.Api.PostAsync($"/api/chats/{chat!["uri"]!.GetValue<string>()}/read/", ApiClient.Json(("up_to", long.MaxValue / 2)), reader.Token);
        }

        for (var i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            var reply = await _server.Api.GetAsync("/api/chats/", reader.Token);
            caughtUp.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(0, reply.Body["chats"]![0]!["unread"]!.GetValue<int>());
        }

        times.Sort();
        caughtUp.Sort();
        output.WriteLine($"{Backend}: GET /api/chats/ with {Chats} chats of {perChat} messages: all unread (1000 counted per chat) median {times[5]:F1} ms, max {times[^1]:F1} ms; all read median {caughtUp[5]:F1} ms, max {caughtUp[^1]:F1} ms; body {first.Text.Length} bytes");
    }
}

public sealed class ChatListCostOnPostgresTests(ITestOutputHelper output) : ChatListCostTests(output)
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
