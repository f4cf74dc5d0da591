using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Chats;

/// <summary>The newest page of history is answered from memory; these compare it byte for byte with
/// the database's answer (a <c>before</c> beyond every id always reads the database).</summary>
public class HistoryCacheTests : IAsyncLifetime
{
    /// <summary>The storage this class runs on; a subclass runs every test on PostgreSQL.</summary>
    protected virtual TestBackend Backend => TestBackend.Sqlite;

    private TestServer _server = null!;
    private TestUsers.Account _alice = null!;
    private TestUsers.Account _bob = null!;
    private string _uri = "";

    private ApiClient Api => _server.Api;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0 }, backend: Backend);
        _alice = await _server.CreateUserAsync("alice");
        _bob = await _server.CreateUserAsync("bob");
        _uri = await Api.CreateChatAsync(_alice.Token);
        await Api.JoinChatAsync(_bob.Token, _uri);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task NewestPage_SameBytesAsTheDatabase_AndFollowsNewPosts()
    {
        for (var i = 0; i < 30; i++)
        {
            await Api.PostMessageAsync(i % 2 == 0 ? _alice.Token : _bob.Token, _uri, $"héllo \"{i}\" <b>&</b> 😀", i % 3 == 0 ? $"c{i}" : null);
        }

        await AssertSameAsDatabaseAsync(20); // loads the page
        await AssertSameAsDatabaseAsync(20); // answered from it
        await AssertSameAsDatabaseAsync(1);
        await AssertSameAsDatabaseAsync(null);

        await Api.PostMessageAsync(_bob.Token, _uri, "one more");
        var page = await AssertSameAsDatabaseAsync(5);
        Assert.Equal("one more", page.Body["messages"]!.AsArray()[^1]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewestPage_ShowsAProfileChangeAtOnce()
    {
        await Api.PostMessageAsync(_alice.Token, _uri, "hi");
        await AssertSameAsDatabaseAsync(10);

        var update = await Api.PatchAsync("/auth/users/me/", Json(("first_name", "Alicia")), _alice.Token);
        var page = await AssertSameAsDatabaseAsync(10);

        Assert.Equal(200, update.Code);
        Assert.Equal("Alicia", page.Body["messages"]!.AsArray()[0]!["user"]!["first_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewestPage_WhilePostsRace_NoGapNoDuplicate()
    {
        await AssertSameAsDatabaseAsync(100);
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var ids = (await Api.GetAsync($"/api/chats/{_uri}/messages/?limit=100", _bob.Token)).Body["messages"]!.AsArray().Select(m => (long)m!["id"]!).ToList();
                Assert.Equal(ids.Order().Distinct(), ids);
            }
        })).ToList();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await Api.PostMessageAsync(w % 2 == 0 ? _alice.Token : _bob.Token, _uri, $"w{w}-{i}");
            }
        })));
        done.Cancel();
        await Task.WhenAll(readers);

        var page = await AssertSameAsDatabaseAsync(100);
        Assert.Equal(100, page.Body["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task NonMember_StillForbidden_UnknownChat_StillNotFound()
    {
        var carol = await _server.CreateUserAsync("carol");
        await AssertSameAsDatabaseAsync(10);

        Assert.Equal(403, (await Api.GetAsync($"/api/chats/{_uri}/messages/", carol.Token)).Code);
        Assert.Equal(404, (await Api.GetAsync("/api/chats/000000000000000/messages/", carol.Token)).Code);
        Assert.Equal(400, (await Api.GetAsync($"/api/chats/{_uri}/messages/?limit=0", _alice.Token)).Code);
    }

    private async Task<Reply> AssertSameAsDatabaseAsync(int? limit)
    {
        var query = limit is { } l ? $"limit={l}" : "";
        var cached = await Api.GetAsync($"/api/chats/{_uri}/messages/?{query}", _alice.Token);
        var stored = await Api.GetAsync($"/api/chats/{_uri}/messages/?{query}&before={long.MaxValue}", _alice.Token);
        Assert.Equal(200, cached.Code);
        Assert.Equal(stored.Text, cached.Text);
        return cached;
    }
}

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class HistoryCacheOnPostgresTests : HistoryCacheTests
{
    protected override TestBackend Backend => TestBackend.Postgres;
}
