using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chatire.Tests.Infrastructure;

/// <summary>A thin JSON client over a real HttpClient, with helpers for the common flows.</summary>
public sealed class ApiClient(HttpClient http)
{
    public const string DefaultPassword = "correct-horse-battery";

    public HttpClient Http => http;

    public sealed record Reply(HttpStatusCode Status, JsonNode? Json, string Text, HttpResponseMessage Response)
    {
        public int Code => (int)Status;

        public JsonNode Body => Json ?? throw new InvalidOperationException($"No JSON body (status {Code}): {Text}");

        public string? Header(string name) =>
            Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
    }

    public async Task<Reply> SendAsync(HttpMethod method, string path, object? body = null, string? token = null, string scheme = "Bearer", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            string text => new StringContent(text, Encoding.UTF8, "application/json"),
            JsonNode node => new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json"),
            _ => throw new ArgumentException("Body must be a JSON string, JsonNode or HttpContent.", nameof(body)),
        };
        var response = await http.SendAsync(request);
        var responseText = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (responseText.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            json = JsonNode.Parse(responseText);
        }

        return new Reply(response.StatusCode, json, responseText, response);
    }

    public Task<Reply> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, null, token);

    public Task<Reply> PostAsync(string path, object? body = null, string? token = null) => SendAsync(HttpMethod.Post, path, body, token);

    public Task<Reply> PatchAsync(string path, object? body = null, string? token = null) => SendAsync(HttpMethod.Patch, path, body, token);

    public Task<Reply> DeleteAsync(string path, string? token = null) => SendAsync(HttpMethod.Delete, path, null, token);

    /// <summary>Creates a chat with a name and returns its uri.</summary>
    public async Task<string> CreateNamedChatAsync(string token, string name)
    {
        var reply = await PostAsync("/api/chats/", Json(("name", name)), token);
        if (reply.Code != 200)
        {
            throw new InvalidOperationException($"Creating a chat failed with {reply.Code}: {reply.Text}");
        }

        return reply.Body["uri"]!.GetValue<string>();
    }

    public static JsonObject Json(params (string Name, JsonNode? Value)[] fields)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in fields)
        {
            obj[name] = value;
        }

        return obj;
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Registers through the API and returns the new user's id.</summary>
    public async Task<long> SignUpAsync(string username, string password = DefaultPassword, string email = "")
    {
        var reply = await PostAsync("/auth/users/", Json(("username", username), ("password", password), ("email", email)));
        if (reply.Code != 201)
        {
            throw new InvalidOperationException($"Sign-up of {username} failed with {reply.Code}: {reply.Text}");
        }

        return reply.Body["id"]!.GetValue<long>();
    }

    /// <summary>Signs in with /auth/jwt/create/ and returns (access, refresh).</summary>
    public async Task<(string Access, string Refresh)> LoginAsync(string username, string password = DefaultPassword)
    {
        var reply = await PostAsync("/auth/jwt/create/", Json(("username", username), ("password", password)));
        if (reply.Code != 200)
        {
            throw new InvalidOperationException($"Login of {username} failed with {reply.Code}: {reply.Text}");
        }

        return (reply.Body["access"]!.GetValue<string>(), reply.Body["refresh"]!.GetValue<string>());
    }

    /// <summary>Signs up and signs in; returns the access token.</summary>
    public async Task<string> SignUpAndLoginAsync(string username, string password = DefaultPassword)
    {
        await SignUpAsync(username, password);
        return (await LoginAsync(username, password)).Access;
    }

    /// <summary>Creates a chat and returns its uri.</summary>
    public async Task<string> CreateChatAsync(string token)
    {
        var reply = await PostAsync("/api/chats/", null, token);
        if (reply.Code != 200)
        {
            throw new InvalidOperationException($"Creating a chat failed with {reply.Code}: {reply.Text}");
        }

        return reply.Body["uri"]!.GetValue<string>();
    }

    /// <summary>Joins a chat (PATCH) as the token's user.</summary>
    public async Task JoinChatAsync(string token, string uri)
    {
        var reply = await PatchAsync($"/api/chats/{uri}/", null, token);
        if (reply.Code != 200)
        {
            throw new InvalidOperationException($"Joining {uri} failed with {reply.Code}: {reply.Text}");
        }
    }

    public async Task<JsonNode> PostMessageAsync(string token, string uri, string message, string? clientId = null)
    {
        var body = Json(("message", message));
        if (clientId is not null)
        {
            body["client_id"] = clientId;
        }

        var reply = await PostAsync($"/api/chats/{uri}/messages/", body, token);
        if (reply.Code != 200)
        {
            throw new InvalidOperationException($"Posting to {uri} failed with {reply.Code}: {reply.Text}");
        }

        return reply.Body;
    }

    public static void AssertJsonContentType(Reply reply) =>
        Assert.Equal("application/json; charset=utf-8", reply.Response.Content.Headers.ContentType?.ToString());

    public static string Serialize(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
