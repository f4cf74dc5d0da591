using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Chatire.Realtime;
using Chatire.Tests.Infrastructure;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Realtime;

/// <summary>Protocol v2 batching (<c>?v=2&amp;batch=1</c>): the same frames in the same order as an unbatched
/// socket, packed only from frames already waiting, each message at most 64 KiB.</summary>
public class WebSocketBatchingTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private RealtimeFixture.Room _room = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(s => s with { MessageRate = 0, SocketQueue = 10_000 });
        _room = await _server.RoomAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Path(string query) => $"/ws/chats/{_room.Uri}/?token={Uri.EscapeDataString(_room.Member.Token)}&{query}";

    [Fact]
    public async Task Batching_StalledReaderUnderLoad_GetsExactlyTheUnbatchedFramesInOrder_NoBatchOver64KiB()
    {
        const int Posts = 400;
        await using var publisher = await _server.ConnectAsync(_room.Uri, _room.Owner.Token, "v=2");
        await publisher.ReceiveJsonAsync(); // presence
        await using var plain = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2");
        using var batched = await RawWebSocket.ConnectAsync(_server.Server.Port, Path("v=2&batch=1"));

        // The batched socket is not read while the messages go out (its receive buffer is tiny), so once the
        // kernel's buffers are full its frames wait in the outbox and leave in batches when it reads again.
        // 1700 emoji are escaped as two \uXXXX each in the server's JSON: about 20.6 KB a frame, 8 MB in all,
        // so three frames fill a batch.
        var text = string.Concat(Enumerable.Repeat("😀", 1700));
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < Posts; i++)
            {
                await publisher.SendTextAsync($"{{\"message\": \"{i} {text}\", \"client_id\": \"c-{i}\"}}");
            }
        });

        var expected = await ReadUntilMessagesAsync(async () => [(await plain.ReceiveAsync()).Text], Posts);
        await sending;
        var batches = new List<byte[]>();
        var received = await ReadUntilMessagesAsync(async () =>
        {
            var (opcode, payload) = await batched.ReadFrameAsync(WebSocketClient.DefaultTimeout);
            Assert.Equal(1, opcode); // whole text messages, never fragments
            batches.Add(payload);
            return Lines(payload);
        }, Posts);

        Assert.Equal(expected, received);
        Assert.All(batches, b => Assert.True(b.Length <= Outbox.MaxBatchBytes, $"a batch of {b.Length} bytes"));
        Assert.True(batches.Count < received.Count, "no frames were packed together");
        Assert.Contains(batches, b => Lines(b).Count == 3); // as many as fit under the limit
    }

    [Fact]
    public async Task Batching_SinceReplayWithLivePosts_SameFramesInSameOrderAsUnbatched()
    {
        const int Stored = 300;
        const int Live = 100;
        var ids = new List<long>();
        for (var i = 0; i < Stored; i++)
        {
            ids.Add((await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, $"stored {i}"))["id"]!.GetValue<long>());
        }

        await _server.Api.PatchAsync($"/api/chats/{_room.Uri}/messages/{ids[3]}/", Json(("message", "edited")), _room.Owner.Token);
        await _server.Api.DeleteAsync($"/api/chats/{_room.Uri}/messages/{ids[5]}/", _room.Owner.Token);

        var live = Task.Run(async () =>
        {
            for (var i = 0; i < Live; i++)
            {
                await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, $"live {i}");
            }
        });
        await using var plain = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2&since=0");
        await using var batched = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2&batch=1&since=0");
        await live;

        var messages = 0;
        var expected = await ReadUntilMessagesAsync(async () => [(await plain.ReceiveAsync()).Text], Stored + Live);
        var received = await ReadUntilMessagesAsync(async () =>
        {
            messages++;
            return Lines(Encoding.UTF8.GetBytes((await batched.ReceiveAsync()).Text));
        }, Stored + Live);

        Assert.Equal(expected, received);
        Assert.Contains(received, f => f.Contains("\"type\":\"edit\"", StringComparison.Ordinal));
        Assert.Contains(received, f => f.Contains("\"type\":\"delete\"", StringComparison.Ordinal));
        // The replay (and whatever queued behind it) is packed; live posts after it may come one by one.
        Assert.True(messages < Live + 20, $"{received.Count} frames came in {messages} messages");
    }

    [Fact]
    public async Task Batching_SlowRate_EveryFrameGoesAloneAtOnce()
    {
        await using var publisher = await _server.ConnectAsync(_room.Uri, _room.Owner.Token, "v=2");
        await publisher.ReceiveJsonAsync(); // presence
        await using var batched = await _server.ConnectAsync(_room.Uri, _room.Member.Token, "v=2&batch=1");
        Assert.Equal("presence", (await batched.ReceiveJsonAsync()).Text("type"));

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var sent = Stopwatch.StartNew();
            await publisher.SendJsonAsync(Json(("message", $"slow {i}"), ("client_id", $"s-{i}")));
            var (_, text) = await batched.ReceiveAsync();
            latencies.Add(sent.Elapsed);
            Assert.DoesNotContain('\n', text);
            var frame = JsonNode.Parse(text)!;
            Assert.Equal("message", frame.Text("type"));
            Assert.Equal($"slow {i}", frame["data"]!.Text("message"));
            await publisher.NextAsync("ack", null, "join", "message");
        }

        // Nothing waits to fill a batch: a lone frame takes no longer than a post's own round trip.
        Assert.True(latencies.Order().ElementAt(latencies.Count / 2) < TimeSpan.FromMilliseconds(250), string.Join(", ", latencies));
    }

    [Fact]
    public async Task Batching_UserStream_AcceptsBatch_FramesSplitOnNewlines()
    {
        await using var stream = await WebSocketClient.ConnectAsync(_server.WebSocketUri($"/ws/me/?token={Uri.EscapeDataString(_room.Member.Token)}&batch=1"));
        var first = Lines(Encoding.UTF8.GetBytes((await stream.ReceiveAsync()).Text));
        Assert.Equal("chats", JsonNode.Parse(first[0])!.Text("type"));

        await _server.Api.PostMessageAsync(_room.Owner.Token, _room.Uri, "for the badge");
        var update = Lines(Encoding.UTF8.GetBytes((await stream.ReceiveAsync()).Text)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("chat", update[0].Text("type"));
        Assert.Equal(1, update[0]["data"]!["unread"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("batch=1", "Batching needs protocol version 2 (v=2).")]
    [InlineData("v=1&batch=1", "Batching needs protocol version 2 (v=2).")]
    [InlineData("v=2&batch=yes", "Must be 0 or 1.")]
    public async Task Batching_InvalidBatchParameter_Returns400BeforeUpgrade(string query, string message)
    {
        var reply = await _server.Api.GetAsync($"/ws/chats/{_room.Uri}/?{query}", _room.Member.Token);
        Assert.Equal(400, reply.Code);
        Assert.Equal(message, reply.Body["batch"]![0]!.GetValue<string>());

        var stream = await _server.Api.GetAsync("/ws/me/?batch=2", _room.Member.Token);
        Assert.Equal(400, stream.Code);
        Assert.NotNull(stream.Body["batch"]);
    }

    [Fact]
    public async Task Batching_BatchZero_IsOneFramePerMessage()
    {
        var reply = await WebSocketClient.TryConnectAsync(_server.Socket(_room.Uri, _room.Member.Token, "v=2&batch=0"));
        Assert.Equal(101, reply.Status);
    }

    /// <summary>Frames of one batch: the lines of the message.</summary>
    private static List<string> Lines(byte[] payload) =>
        [.. Encoding.UTF8.GetString(payload).Split('\n')];

    /// <summary>Collects frames from <paramref name="next"/> until <paramref name="messages"/> message frames have come.</summary>
    private static async Task<List<string>> ReadUntilMessagesAsync(Func<Task<List<string>>> next, int messages)
    {
        var frames = new List<string>();
        var seen = 0;
        while (seen < messages)
        {
            foreach (var frame in await next())
            {
                frames.Add(frame);
                if (frame.StartsWith("{\"type\":\"message\"", StringComparison.Ordinal))
                {
                    seen++;
                }
            }
        }

        return frames;
    }
}
