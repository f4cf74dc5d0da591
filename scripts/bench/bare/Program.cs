// The smallest broadcast chat server one would write on System.Net.HttpListener, for scripts/bench/run:
// Chatire's transport without Chatire's work. It speaks just enough of Chatire's protocol v2 for
// `chatire bench --peer` (fanout, connections, http --op post):
//   - WebSocket upgrades on /ws/chats/<uri>/ and /<uri> (any query, no authentication); the first frame
//     is an empty presence; a client frame {"message": ..., "client_id": ...} gets a server-wide id, is
//     serialized once as {"type": "message", "data": {...}}, sent to every socket of the chat and
//     acknowledged to the sender with {"type": "ack", ...};
//   - POST /api/chats/<uri>/messages/ does the same and answers 200 with the message (nothing stored);
//   - GET /health, GET /metrics (process_resident_memory_bytes).
// Each socket has a queue and one writer that sends inline while sends complete at once (as Chatire's
// outbox does); an idle socket waits with a zero-byte receive and holds no read buffer.
// Usage: bare-listener [port]
using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BareListener;

var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8200;
var listener = new HttpListener();
listener.Prefixes.Add($"http://127.0.0.1:{port}/");
listener.Prefixes.Add($"http://localhost:{port}/");
listener.Start();
Console.WriteLine($"bare listener on http://127.0.0.1:{port}");
var server = new Server();
while (true)
{
    HttpListenerContext context;
    try
    {
        context = await listener.GetContextAsync();
    }
    catch (HttpListenerException)
    {
        break;
    }

    _ = Task.Run(() => server.HandleAsync(context));
}

namespace BareListener
{
    public sealed class Server
    {
        private static readonly byte[] Presence = """{"type":"presence","users":[]}"""u8.ToArray();
        private static readonly byte[] Envelope = """{"type":"message","data":"""u8.ToArray();
        private readonly Dictionary<string, Peer[]> _rooms = [];
        private long _nextId;
        private int _sockets;

        public async Task HandleAsync(HttpListenerContext context)
        {
            var path = context.Request.Url!.AbsolutePath;
            try
            {
                if (context.Request.IsWebSocketRequest && ChatOf(path, "/ws/chats/") is { } uri)
                {
                    await RunSocketAsync(context, uri);
                }
                else if (path == "/health")
                {
                    Answer(context, 200, """{"status":"ok"}"""u8);
                }
                else if (path == "/metrics")
                {
                    var rss = Environment.WorkingSet;
                    Answer(context, 200, Encoding.ASCII.GetBytes($"chatire_websocket_connections {Volatile.Read(ref _sockets)}\nprocess_resident_memory_bytes {rss}\n"), "text/plain; version=0.0.4");
                }
                else if (context.Request.HttpMethod == "POST" && path.StartsWith("/api/chats/", StringComparison.Ordinal) && path.EndsWith("/messages/", StringComparison.Ordinal))
                {
                    var chat = path["/api/chats/".Length..^"/messages/".Length];
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    var (text, clientId) = ReadPost(body.GetBuffer().AsSpan(0, (int)body.Length));
                    if (text is null)
                    {
                        Answer(context, 400, """{"message":["This field is required."]}"""u8);
                        return;
                    }

                    var (_, data) = Broadcast(chat, text, clientId);
                    Answer(context, 200, data);
                }
                else
                {
                    Answer(context, 404, """{"detail":"Not found."}"""u8);
                }
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or WebSocketException or ObjectDisposedException)
            {
            }
        }

        private static string? ChatOf(string path, string prefix)
        {
            var name = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path[1..];
            name = name.TrimEnd('/');
            return name.Length > 0 && !name.Contains('/') ? name : null;
        }

        private static void Answer(HttpListenerContext context, int status, ReadOnlySpan<byte> body, string type = "application/json")
        {
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = type;
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body);
            response.Close();
        }

        private async Task RunSocketAsync(HttpListenerContext context, string uri)
        {
            var accepted = await context.AcceptWebSocketAsync(null, TimeSpan.FromSeconds(30));
            var peer = new Peer(accepted.WebSocket);
            Join(uri, peer);
            Interlocked.Increment(ref _sockets);
            try
            {
                peer.Send(Presence);
                await ReadAsync(uri, peer);
            }
            finally
            {
                Leave(uri, peer);
                Interlocked.Decrement(ref _sockets);
                peer.Socket.Dispose();
            }
        }

        /// <summary>Waits with a zero-byte receive; borrows a buffer only while a message is being read.</summary>
        private async Task ReadAsync(string uri, Peer peer)
        {
            var socket = peer.Socket;
            while (socket.State == WebSocketState.Open)
            {
                var first = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (first.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                try
                {
                    var count = 0;
                    while (true)
                    {
                        var result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return;
                        }

                        count += result.Count;
                        if (result.EndOfMessage || count == buffer.Length)
                        {
                            break;
                        }
                    }

                    var (text, clientId) = ReadPost(buffer.AsSpan(0, count));
                    if (text is not null)
                    {
                        var (id, _) = Broadcast(uri, text, clientId);
                        peer.Send(Ack(clientId, id));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        private static (string? Text, string? ClientId) ReadPost(ReadOnlySpan<byte> json)
        {
            string? text = null;
            string? clientId = null;
            try
            {
                var reader = new Utf8JsonReader(json);
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                    {
                        var isMessage = reader.ValueTextEquals("message"u8);
                        var isClientId = reader.ValueTextEquals("client_id"u8);
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            if (isMessage)
                            {
                                text = reader.GetString();
                            }
                            else if (isClientId)
                            {
                                clientId = reader.GetString();
                            }
                        }
                    }
                }
            }
            catch (JsonException)
            {
                return (null, null);
            }

            return (text, clientId);
        }

        /// <summary>Serializes the message once and queues the same bytes for every socket of the chat.</summary>
        private (long Id, byte[] Data) Broadcast(string uri, string text, string? clientId)
        {
            var id = Interlocked.Increment(ref _nextId);
            var buffer = new ArrayBufferWriter<byte>(256 + text.Length);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "message");
                writer.WritePropertyName("data");
                WriteMessage(writer, id, uri, text, clientId);
                writer.WriteEndObject();
            }

            var frame = buffer.WrittenSpan.ToArray();
            Peer[] room;
            lock (_rooms)
            {
                room = _rooms.GetValueOrDefault(uri) ?? [];
            }

            foreach (var peer in room)
            {
                peer.Send(frame);
            }

            // "data" is the message object: the frame without its envelope.
            return (id, frame[Envelope.Length..^1]);
        }

        private static void WriteMessage(Utf8JsonWriter writer, long id, string uri, string text, string? clientId)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("uri", uri);
            writer.WriteStartObject("user");
            writer.WriteNumber("id", 0);
            writer.WriteString("username", "bare");
            writer.WriteString("email", "");
            writer.WriteString("first_name", "");
            writer.WriteString("last_name", "");
            writer.WriteEndObject();
            writer.WriteString("message", text);
            writer.WriteString("created", DateTimeOffset.UtcNow);
            if (clientId is not null)
            {
                writer.WriteString("client_id", clientId);
            }

            writer.WriteEndObject();
        }

        private static byte[] Ack(string? clientId, long id)
        {
            var buffer = new ArrayBufferWriter<byte>(96);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "ack");
                if (clientId is null)
                {
                    writer.WriteNull("client_id");
                }
                else
                {
                    writer.WriteString("client_id", clientId);
                }

                writer.WriteNumber("id", id);
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }

        private void Join(string uri, Peer peer)
        {
            lock (_rooms)
            {
                _rooms[uri] = [.. _rooms.GetValueOrDefault(uri) ?? [], peer];
            }
        }

        private void Leave(string uri, Peer peer)
        {
            lock (_rooms)
            {
                var left = (_rooms.GetValueOrDefault(uri) ?? []).Where(p => p != peer).ToArray();
                if (left.Length == 0)
                {
                    _rooms.Remove(uri);
                }
                else
                {
                    _rooms[uri] = left;
                }
            }
        }
    }

    /// <summary>One socket's send side: a queue and one writer, which sends inline while sends complete at once.</summary>
    public sealed class Peer(WebSocket socket)
    {
        private readonly Queue<byte[]> _queue = new();
        private bool _writing;

        public WebSocket Socket { get; } = socket;

        public void Send(byte[] frame)
        {
            lock (_queue)
            {
                if (_queue.Count >= 1024)
                {
                    Socket.Abort();
                    return;
                }

                _queue.Enqueue(frame);
                if (_writing)
                {
                    return;
                }

                _writing = true;
            }

            _ = PumpAsync();
        }

        private async Task PumpAsync()
        {
            try
            {
                while (true)
                {
                    byte[] frame;
                    lock (_queue)
                    {
                        if (!_queue.TryDequeue(out frame!))
                        {
                            _writing = false;
                            return;
                        }
                    }

                    await Socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
            {
                Socket.Abort();
            }
        }
    }
}
