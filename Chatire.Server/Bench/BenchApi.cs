using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Chatire.Bench;

/// <summary>The HTTP calls the generator makes, through the public API only (it is a client).
/// Bodies are written with Utf8JsonWriter and read with JsonDocument.</summary>
public sealed class BenchApi : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public BenchApi(BenchTarget target, int connections)
    {
        Target = target;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = SocketConnector.PlainConnectAsync,
        };
        _http = new HttpClient(handler) { BaseAddress = target.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public BenchTarget Target { get; }

    public const string Password = "bench-load-Pw-2025";

    public async Task RegisterAsync(string username, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "/auth/users/", null, Body(w =>
        {
            w.WriteString("username", username);
            w.WriteString("password", Password);
        }), ct).ConfigureAwait(false);
        await EnsureAsync(response, "registering a user (is registration open?)").ConfigureAwait(false);
    }

    /// <summary>POST /auth/jwt/create/; returns the access token.</summary>
    public async Task<string> LoginAsync(string username, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "/auth/jwt/create/", null, LoginBody(username), ct).ConfigureAwait(false);
        await EnsureAsync(response, "signing in").ConfigureAwait(false);
        using var json = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        return json.RootElement.GetProperty("access").GetString() ?? throw new BenchException("The login answer has no access token.");
    }

    /// <summary>A login for the logins scenario: true when the server issued tokens.</summary>
    public async Task<bool> TryLoginAsync(string username, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "/auth/jwt/create/", null, LoginBody(username), ct).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public async Task<string> CreateChatAsync(string token, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/chats/", token, null, ct).ConfigureAwait(false);
        await EnsureAsync(response, "creating a chat").ConfigureAwait(false);
        using var json = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        return json.RootElement.GetProperty("uri").GetString() ?? throw new BenchException("The chat answer has no uri.");
    }

    public async Task JoinChatAsync(string token, string uri, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Patch, $"/api/chats/{uri}/", token, null, ct).ConfigureAwait(false);
        await EnsureAsync(response, "joining a chat").ConfigureAwait(false);
    }

    /// <summary>POST a message; returns its id.</summary>
    public async Task<long> PostMessageAsync(string token, string uri, string text, string clientId, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/chats/{uri}/messages/", token, Body(w =>
        {
            w.WriteString("message", text);
            w.WriteString("client_id", clientId);
        }), ct).ConfigureAwait(false);
        await EnsureAsync(response, "posting a message").ConfigureAwait(false);
        using var json = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        return json.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>The server's resident memory: /proc when its pid is known and local, else /metrics.</summary>
    public async Task<long?> ServerRssAsync(CancellationToken ct)
    {
        if (Target.ServerPid is { } pid && ProcessMemory.ResidentBytes(pid) is { } rss)
        {
            return rss;
        }

        return await MetricAsync("process_resident_memory_bytes", ct).ConfigureAwait(false);
    }

    /// <summary>One unlabelled value from the server's /metrics, or null.</summary>
    public async Task<long?> MetricAsync(string name, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("/metrics", UriKind.Relative), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith(name + " ", StringComparison.Ordinal)
                    && double.TryParse(line.AsSpan(name.Length + 1), System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    return (long)value;
                }
            }
        }
        catch (HttpRequestException)
        {
        }

        return null;
    }

    private HttpContent LoginBody(string username) => Body(w =>
    {
        w.WriteString("username", username);
        w.WriteString("password", Password);
    });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        // HttpListener answers a bodiless POST/PATCH without Content-Length with 411.
        request.Content = body ?? new ByteArrayContent([]);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BenchException($"Cannot reach {Target.BaseUrl} ({ex.Message}). Is the server running?");
        }
    }

    private static HttpContent Body(Action<Utf8JsonWriter> write)
    {
        var content = new ByteArrayContent(JsonObject(write));
        content.Headers.ContentType = Json;
        return content;
    }

    /// <summary>A JSON object written by <paramref name="write"/>, as UTF-8 bytes.</summary>
    public static byte[] JsonObject(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return JsonDocument.Parse(bytes);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (body.Length > 300)
        {
            body = body[..300];
        }

        throw new BenchException($"{what} failed: {(int)response.StatusCode} {Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(body))}", (int)response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}
