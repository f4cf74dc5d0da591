using System.Net.WebSockets;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Reliability;

/// <summary>SIGTERM while clients post: requests finish or fail cleanly, sockets get 1001, nothing
/// acknowledged is lost, and the process exits with 0.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-term").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Sigterm_UnderLoad_Exit0SocketsGet1001NothingAcknowledgedLost()
    {
        var db = Path.Combine(_directory, "term.db");
        var acked = new AckedMessages();
        string token;
        string uri;
        int exitCode;
        WebSocketCloseStatus? listenerClose;
        await using (var server = await ChildServer.StartAsync(db))
        {
            token = await server.Api.SignUpAndLoginAsync("closer");
            uri = await server.Api.CreateChatAsync(token);
            await using var listener = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws/chats/{uri}/?token={token}"));
            using var stop = new CancellationTokenSource();
            var clients = new List<Task>();
            for (var c = 0; c < 3; c++)
            {
                var api = new ApiClient(new HttpClient { BaseAddress = server.Http.BaseAddress });
                clients.Add(acked.FloodHttpAsync(api, token, uri, $"h{c}", stop.Token));
                clients.Add(acked.FloodWebSocketAsync(server.WebSocketUri($"/ws/chats/{uri}/?v=2&token={token}"), uri, $"w{c}", stop.Token));
            }

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (acked.Count < 100 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            var closing = listener.WaitForCloseAsync(TimeSpan.FromSeconds(30));
            exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(30));
            listenerClose = await closing;
            await stop.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, exitCode);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, listenerClose);
        Assert.True(acked.Count >= 100, $"only {acked.Count} messages were acknowledged before SIGTERM");
        await using var restarted = await ChildServer.StartAsync(db);
        var check = await acked.VerifyAsync(restarted.Api, token, [uri]);
        Assert.True(check.Lost == 0, check.FirstProblem);
        Assert.Equal(0, check.Duplicated);
    }
}
