using System.Diagnostics;
using System.Text;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Reliability;

/// <summary>Seeded fuzzing of request lines, headers, paths, queries and bodies over raw TCP. Every
/// answer must be a 4xx (JSON when it comes from our pipeline), a success for a valid request, or a
/// closed connection for unparseable HTTP — never a 5xx — and other clients keep being served.</summary>
public sealed class HttpFuzzTests
{
    private const int Seed = 20261122;
    private const int Cases = 2500;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "get", "FOO", "POST ", "CONNECT", new string('X', 300)];

    private static readonly string[] Paths =
    [
        "/", "/health", "/health/", "/metrics", "/auth/users/", "/auth/users/me/", "/auth/me", "/auth/users/set_password/",
        "/auth/token/login/", "/auth/token/logout/", "/auth/jwt/create/", "/auth/jwt/refresh/", "/auth/jwt/verify/",
        "/auth/jwt/blacklist/", "/api/chats/", "/api/chats/{uri}/", "/api/chats/{uri}/messages/", "/ws/chats/{uri}/",
        "/{uri}", "/api/chats/../../etc/passwd", "/api/chats/%2e%2e/%2e%2e/", "/api%2Fchats", "/api/chats/%00/",
        "/api/chats/'%20OR%201=1--/", "/%ff%fe/", "/assets/../../appsettings.json", "//api//chats//", "/index.html",
        "/api/chats/{uri}/messages/?limit=abc", "/api/chats/{uri}/messages/?before=-1&after=x", "/ws/chats/{uri}/?since=-5",
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "{}", "[]", "null", "42", "\"text\"", "{\"username\": 5}", "{\"username\": null, \"password\": []}",
        "{\"message\": {\"a\": 1}}", "{\"message\": \"\"}", "{\"message\": \"hi\", \"client_id\": \"\\u0001\"}",
        "{\"username\": \"a\u0000b\", \"password\": \"x\"}", "username=%ff%fe&password=x", "username=a&password=%zz",
        "{\"refresh\": \"" + new string('A', 5000) + "\"}", "{\"token\": 1}", "message=" + new string('m', 3000),
        "{\"message\": \"'; DROP TABLE messages; --\"}", "{\"username\": \"admin' --\", \"password\": \"x' OR '1'='1\"}",
    ];

    [Fact]
    public async Task Fuzz_ThousandsOfBadRequests_NoServerErrorAndOthersStillServed()
    {
        await using var server = await TestServer.StartAsync(s => s with { LogLevel = "warning", LoginLimitAddress = 1_000_000, LoginLimitUser = 1_000_000, LoginLimitUserAddress = 1_000_000 });
        var token = await TestUsers.TokenAsync(server, "fuzzer");
        var uri = await TryCreateChatAsync(server, token);
        var random = new Random(Seed);
        var requests = Enumerable.Range(0, Cases).Select(_ => Build(random, token, uri)).ToList();

        using var stopCanary = new CancellationTokenSource();
        var canary = RunCanaryAsync(server, stopCanary.Token);
        var failures = new List<string>();
        var tried = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, _) =>
        {
            if (clock.Elapsed > Budget)
            {
                return;
            }

            Interlocked.Increment(ref tried);
            var answer = await RawHttp.SendAsync(server.Server.Port, request.Bytes, TimeSpan.FromSeconds(35));
            var problem = answer switch
            {
                // HttpListener itself answers an unknown HTTP version with 505 before our code runs.
                { Status: 505, FromPipeline: false } => null,
                { Status: >= 500 } => $"status {answer.Status}",
                { Status: >= 400, FromPipeline: true, IsJson: false } when answer.Status != 0 => $"status {answer.Status} without a JSON body",
                _ => null,
            };
            if (problem is not null)
            {
                lock (failures)
                {
                    failures.Add($"{problem}: {request.Description}\n{answer.Head}\n{answer.Body}");
                }
            }
        });
        await stopCanary.CancelAsync();
        var canaryFailures = await canary;

        Assert.True(tried >= 500, $"Only {tried} cases ran within the budget.");
        var errors = server.Logs.Lines.Where(line => line.StartsWith("[Error]", StringComparison.Ordinal) || line.StartsWith("[Fatal]", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} cases failed; first: {failures.FirstOrDefault()}\n{errors.FirstOrDefault()}");
        Assert.Equal(0, canaryFailures);
        Assert.Empty(errors);
        Assert.Equal(200, (await server.Api.GetAsync("/health")).Code);
    }

    private static async Task<string> TryCreateChatAsync(TestServer server, string token)
    {
        var reply = await server.Api.PostAsync("/api/chats/", null, token);
        return reply.Code == 200 ? reply.Body["uri"]!.GetValue<string>() : "0123456789abcde";
    }

    private static async Task<int> RunCanaryAsync(TestServer server, CancellationToken stop)
    {
        var failures = 0;
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    if ((await http.GetAsync("/health", stop)).StatusCode != System.Net.HttpStatusCode.OK)
                    {
                        failures++;
                    }
                }
                catch (HttpRequestException)
                {
                    failures++;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return failures;
    }

    private sealed record FuzzRequest(byte[] Bytes, string Description);

    private static FuzzRequest Build(Random random, string token, string uri)
    {
        var method = Pick(random, Methods);
        var path = Pick(random, Paths).Replace("{uri}", uri);
        if (random.Next(10) == 0)
        {
            path += "?" + string.Join('&', Enumerable.Range(0, random.Next(1, 5)).Select(_ => $"{Pick(random, ["token", "limit", "before", "after", "since", "v", "x"])}={Noise(random, random.Next(0, 20))}"));
        }

        if (random.Next(40) == 0)
        {
            path = "/" + new string('a', random.Next(1000, 20000));
        }

        var body = Encoding.UTF8.GetBytes(Pick(random, Bodies));
        switch (random.Next(12))
        {
            case 0:
                body = [.. body, 0xff, 0xfe, 0x00, 0xc3];
                break;
            case 1:
                body = Encoding.UTF8.GetBytes(new string('[', random.Next(100, 5000)));
                break;
            case 2:
                body = new byte[random.Next(64 * 1024, 300 * 1024)];
                random.NextBytes(body);
                break;
            case 3 when body.Length > 2:
                body = body[..random.Next(1, body.Length)];
                break;
        }

        var headers = new StringBuilder();
        if (random.Next(15) != 0)
        {
            headers.Append("Host: 127.0.0.1\r\n");
        }

        var contentType = Pick(random, ["application/json", "application/x-www-form-urlencoded", "text/plain", "application/json; charset=latin1", "", "multipart/form-data; boundary=x"]);
        if (contentType.Length > 0)
        {
            headers.Append($"Content-Type: {contentType}\r\n");
        }

        switch (random.Next(4))
        {
            case 0:
                headers.Append($"Authorization: {Pick(random, ["Bearer", "Token", "JWT", "jwt", "Basic", "Bearer  "])} {token}\r\n");
                break;
            case 1:
                headers.Append($"Authorization: {Pick(random, ["Bearer", "Token", "JWT", ""])} {Noise(random, random.Next(0, 60))}\r\n");
                break;
        }

        if (random.Next(20) == 0)
        {
            headers.Append($"X-Big: {new string('h', random.Next(10_000, 40_000))}\r\n");
        }

        if (random.Next(20) == 0)
        {
            headers.Append("X-Dup: 1\r\nX-Dup: 2\r\nOrigin: http://evil.example\r\nOrigin: http://127.0.0.1\r\n");
        }

        if (random.Next(25) == 0)
        {
            headers.Append($"X-Request-Id: {Noise(random, 300)}\r\n");
        }

        var framing = random.Next(10);
        byte[] payload;
        if (framing == 0)
        {
            headers.Append("Transfer-Encoding: chunked\r\n");
            var chunked = new MemoryStream();
            chunked.Write(Encoding.ASCII.GetBytes($"{body.Length:x}\r\n"));
            chunked.Write(body);
            chunked.Write(Encoding.ASCII.GetBytes(random.Next(3) == 0 ? "\r\nzz\r\n" : "\r\n0\r\n\r\n"));
            payload = chunked.ToArray();
        }
        else if (framing == 1)
        {
            headers.Append($"Content-Length: {Pick(random, ["-1", "abc", "99999999999", "5, 6"])}\r\n");
            payload = body;
        }
        else
        {
            headers.Append($"Content-Length: {body.Length}\r\n");
            payload = body;
        }

        headers.Append("Connection: close\r\n");
        var version = random.Next(30) == 0 ? Pick(random, ["HTTP/0.9", "HTTP/2.0", "HTTX/1.1", ""]) : "HTTP/1.1";
        var head = Encoding.Latin1.GetBytes($"{method} {path} {version}\r\n{headers}\r\n");
        var description = $"{method} {(path.Length > 120 ? path[..120] + "..." : path)} {version} type={contentType} framing={framing} body={body.Length}B";
        return new FuzzRequest([.. head, .. payload], description);
    }

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];

    private static string Noise(Random random, int length)
    {
        const string alphabet = "abcXYZ019-_.~%&=+/?#'\"<>;: ";
        return new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }
}
