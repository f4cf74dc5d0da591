using System.Diagnostics;
using System.Net.WebSockets;
using Chatire.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chatire.Tests.Realtime;

public sealed class WebSocketSessionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan WithinASecondAndATick = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Logout_ClosesThatTokensSockets4401_OthersStay()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.RoomAsync();
        var otherToken = await server.NewAccessTokenAsync(room.Member.User);
        await using var revoked = await server.ConnectAsync(room.Uri, room.Member.Token);
        await using var kept = await server.ConnectAsync(room.Uri, otherToken);

        await server.Server.Tokens.RevokeTokenAndFamilyAsync(room.Member.Record);

        Assert.Equal((WebSocketCloseStatus)4401, await revoked.WaitForCloseAsync(WithinASecondAndATick));
        await server.Api.PostMessageAsync(room.Owner.Token, room.Uri, "still open");
        Assert.Equal("still open", (await kept.ReceiveJsonAsync()).Text("message"));
    }

    [Fact]
    public async Task FamilyRevocation_ClosesAccessTokenSockets4401()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.RoomAsync();
        var pair = await server.Server.Tokens.CreatePairAsync(room.Member.User.Id);
        await using var socket = await server.ConnectAsync(room.Uri, pair.Access);

        await server.Server.Tokens.BlacklistAsync(pair.Refresh);

        Assert.Equal((WebSocketCloseStatus)4401, await socket.WaitForCloseAsync(WithinASecondAndATick));
    }

    [Fact]
    public async Task Deactivation_ClosesAllSockets4403()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.RoomAsync();
        await using var first = await server.ConnectAsync(room.Uri, room.Member.Token);
        await using var second = await server.ConnectAsync(room.Uri, await server.NewAccessTokenAsync(room.Member.User));

        await server.Accounts().DeactivateAsync(room.Member.User);

        Assert.Equal((WebSocketCloseStatus)4403, await first.WaitForCloseAsync(WithinASecondAndATick));
        Assert.Equal((WebSocketCloseStatus)4403, await second.WaitForCloseAsync(WithinASecondAndATick));
    }

    [Fact]
    public async Task TokenExpiry_ClosesSocket4401OnNextTick()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.RoomAsync();
        var shortLived = await server.Server.Tokens.IssueAuthTokenAsync(room.Member.User.Id, TimeSpan.FromMinutes(5));
        await using var socket = await server.ConnectAsync(room.Uri, shortLived.Value);

        server.Clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal((WebSocketCloseStatus)4401, await socket.WaitForCloseAsync(WithinASecondAndATick));
    }

    [Fact]
    public async Task RevocationByAnotherProcess_IsNoticedByTheTick()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.RoomAsync();
        await using var socket = await server.ConnectAsync(room.Uri, room.Member.Token);

        // As the CLI would: straight in the database, with no in-process event.
        await server.Server.Database.WriteAsync(c => Chatire.Storage.Database.Execute(c, "UPDATE tokens SET revoked = '2000-01-01T00:00:00.000Z' WHERE id = $id", ("$id", room.Member.Record.Id)));
        server.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((WebSocketCloseStatus)4401, await socket.WaitForCloseAsync(WithinASecondAndATick));
    }

    [Fact]
    public async Task Shutdown_Sends1001ToEverySocket()
    {
        var server = await TestServer.StartAsync(s => s with { WsPort = -1 });
        var room = await server.RoomAsync();
        var main = await server.ConnectAsync(room.Uri, room.Member.Token);
        var legacy = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/{room.Uri}?token={room.Owner.Token}", server.Server.WsPort));

        var stopping = server.DisposeAsync().AsTask();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await main.WaitForCloseAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await legacy.WaitForCloseAsync());
        await main.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await legacy.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await stopping;
        await main.DisposeAsync();
        await legacy.DisposeAsync();
    }

    [Fact]
    public async Task StalledReader_Closed1013_OthersKeepReceivingEverything()
    {
        const int Messages = 240;
        await using var server = await TestServer.StartAsync(s => s with { SocketQueue = 8, MessageRate = 0 });
        var room = await server.RoomAsync();
        using var stalled = await RawWebSocket.ConnectAsync(server.Server.Port, $"/ws/chats/{room.Uri}/?token={room.Member.Token}");
        var readers = new List<WebSocketClient>();
        for (var i = 0; i < 3; i++)
        {
            readers.Add(await server.ConnectAsync(room.Uri, room.Owner.Token));
        }

        // 2000 emoji: each is escaped as two \uXXXX in JSON, so every frame is about 24 KB and the
        // kernel's socket buffers fill after a few MB.
        var text = string.Concat(Enumerable.Repeat("😀", 2000));
        var stopwatch = Stopwatch.StartNew();
        var receiving = readers.Select(async reader =>
        {
            var ids = new List<long>();
            while (ids.Count < Messages)
            {
                ids.Add((await reader.ReceiveJsonAsync()).Long("id"));
            }

            return ids;
        }).ToList();
        for (var i = 0; i < Messages / 8; i++)
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.Api.PostMessageAsync(room.Owner.Token, room.Uri, text)));
        }

        var all = await Task.WhenAll(receiving);
        output.WriteLine($"{Messages} messages of 24 KB to 3 readers while one peer stalled: {stopwatch.ElapsedMilliseconds} ms");

        var (status, before) = await stalled.ReadUntilCloseAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"stalled: status {status} after {before} frames");
        Assert.Equal(1013, status);
        Assert.True(before < Messages, $"{before} frames arrived before the close");
        Assert.Equal(1, server.Server.Metrics.SlowConsumersDropped);
        Assert.All(all, ids => Assert.Equal(ids.Order(), ids));
        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }
    }
}
