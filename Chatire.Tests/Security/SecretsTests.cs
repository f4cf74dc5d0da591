using System.Security.Cryptography;
using System.Text;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Security;

/// <summary>Passwords and tokens never stored in clear and never logged.</summary>
public sealed class SecretsTests
{
    private const string Password = "unusual-Secret-Phrase-93";

    [Fact]
    public async Task Tokens_StoredOnlyAsSha256()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("keeper", Password);
        var (access, refresh) = await server.Api.LoginAsync("keeper", Password);
        var login = await server.Api.PostAsync("/auth/token/login/", ApiClient.Json(("username", "keeper"), ("password", Password)));
        var authToken = login.Body["auth_token"]!.GetValue<string>();

        var raw = ReadDatabaseFiles(server.DatabasePath);

        Assert.Equal(43, authToken.Length);
        Jwt.AssertShape(access, "access");
        Jwt.AssertShape(refresh, "refresh");
        foreach (var token in new[] { access, refresh, authToken })
        {
            Assert.DoesNotContain(token, raw);
            using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM tokens WHERE hash = $hash";
            command.Parameters.AddWithValue("$hash", SHA256.HashData(Encoding.UTF8.GetBytes(token)));
            Assert.Equal(1L, (long)command.ExecuteScalar()!);
        }

        Assert.DoesNotContain(Password, raw);
    }

    [Fact]
    public async Task Logs_NeverContainPasswordsOrTokens_TokenQueryMasked()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("quiet", Password);
        var (access, refresh) = await server.Api.LoginAsync("quiet", Password);
        await server.Api.PostAsync("/auth/jwt/create/", ApiClient.Json(("username", "quiet"), ("password", "wrong-" + Password)));
        await server.Api.PostAsync("/auth/jwt/refresh/", ApiClient.Json(("refresh", refresh)));
        var uri = await server.Api.CreateChatAsync(access);
        await server.Api.GetAsync($"/api/chats/{uri}/messages/?token={access}&limit=5", access);
        await WebSocketClient.TryConnectAsync(server.WebSocketUri($"/ws/chats/{uri}/?token={access}"));
        await WebSocketClient.TryConnectAsync(server.WebSocketUri($"/ws/chats/{uri}/?v=2&token=bogus-{access}"));

        var logs = server.Logs.All;
        var signingKey = server.Server.Database.Read(c => Chatire.Storage.SecretStore.Find(c, Chatire.Storage.SecretStore.TokenSigningKey))!;

        Assert.DoesNotContain(signingKey, logs);
        Assert.DoesNotContain(Password, logs);
        Assert.DoesNotContain(access, logs);
        Assert.DoesNotContain(refresh, logs);
        Assert.Contains("token=***", logs);
        Assert.Contains(server.Logs.Lines, line => line.Contains("quiet") && line.Contains("127.0.0.1") && line.Contains("ail", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        await using var server = await TestServer.StartAsync();

        foreach (var path in new[] { "/health", "/api/chats/", "/nowhere" })
        {
            var reply = await server.Api.GetAsync(path);
            Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
            Assert.NotNull(reply.Header("Referrer-Policy"));
        }
    }

    [Fact]
    public async Task InjectionStrings_InEveryField_StoredVerbatimTablesIntact()
    {
        await using var server = await TestServer.StartAsync();
        const string evil = "'; DROP TABLE messages; --";
        var token = await server.Api.SignUpAndLoginAsync("robert");
        var uri = await server.Api.CreateChatAsync(token);

        var badName = await server.Api.PostAsync("/auth/users/", ApiClient.Json(("username", "x' OR '1'='1"), ("password", Password)));
        var login = await server.Api.PostAsync("/auth/jwt/create/", ApiClient.Json(("username", "robert' --"), ("password", "' OR 1=1 --")));
        var profile = await server.Api.SendAsync(HttpMethod.Patch, "/auth/users/me/", ApiClient.Json(("first_name", evil), ("last_name", "\" OR \"\"=\"")), token);
        var posted = await server.Api.PostMessageAsync(token, uri, evil, clientId: "' OR 1=1 --");
        var join = await server.Api.PatchAsync($"/api/chats/{uri}/", ApiClient.Json(("username", evil)), token);
        var otherChat = await server.Api.GetAsync($"/api/chats/{Uri.EscapeDataString("' OR 1=1 --")}/messages/", token);
        var history = await server.Api.GetAsync($"/api/chats/{uri}/messages/?before={Uri.EscapeDataString("1 OR 1=1")}", token);

        Assert.Equal(400, badName.Code);
        Assert.Equal(400, login.Code);
        Assert.Equal(200, profile.Code);
        Assert.Equal(evil, profile.Body["first_name"]!.GetValue<string>());
        Assert.Equal(evil, posted["message"]!.GetValue<string>());
        Assert.Equal(400, join.Code);
        Assert.Equal(404, otherChat.Code);
        Assert.Equal(400, history.Code);
        var stored = await server.Api.GetAsync($"/api/chats/{uri}/messages/", token);
        Assert.Equal(evil, Assert.Single(stored.Body["messages"]!.AsArray())!["message"]!.GetValue<string>());
    }

    private static string ReadDatabaseFiles(string path)
    {
        var text = new StringBuilder();
        foreach (var file in new[] { path, path + "-wal" })
        {
            if (File.Exists(file))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.Latin1);
                text.Append(reader.ReadToEnd());
            }
        }

        return text.ToString();
    }
}
