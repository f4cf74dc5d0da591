using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Web;

public sealed partial class WebClientTests(WebServerFixture fixture) : IClassFixture<WebServerFixture>
{
    private TestServer Server => fixture.Server;

    private Task<ApiClient.Reply> GetAsync(string path, params (string Name, string Value)[] headers) =>
        Server.Api.SendAsync(HttpMethod.Get, path, headers: headers.ToDictionary(h => h.Name, h => h.Value));

    [GeneratedRegex("(?:src|href)=\"(/assets/[0-9a-f]{12}/[^\"]+)\"")]
    private static partial Regex AssetReference();

    private async Task<List<string>> AssetPathsAsync()
    {
        var index = await GetAsync("/");
        return [.. AssetReference().Matches(index.Text).Select(m => m.Groups[1].Value).Distinct()];
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/chats/0123456789abcde/")]
    [InlineData("/chats/0123456789abcde")]
    public async Task Page_EveryClientPath_ServesHtmlThatMustRevalidate(string path)
    {
        var reply = await GetAsync(path);

        Assert.Equal(200, reply.Code);
        Assert.Equal("text/html; charset=utf-8", reply.Response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", reply.Header("Cache-Control"));
        Assert.Matches("^\"[0-9a-f]{20}\"$", reply.Header("ETag"));
        Assert.Contains("<title>Chatire</title>", reply.Text);
        Assert.DoesNotContain("__ASSETS__", reply.Text);
    }

    [Fact]
    public async Task Page_ChatPathThatIsNotAUri_Returns404()
    {
        var reply = await GetAsync("/chats/not-a-chat/");

        Assert.Equal(404, reply.Code);
        ApiClient.AssertJsonContentType(reply);
    }

    [Fact]
    public async Task Page_Headers_CarryStrictContentSecurityPolicy()
    {
        var reply = await GetAsync("/");

        var csp = reply.Header("Content-Security-Policy");
        Assert.NotNull(csp);
        var directives = csp.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("default-src 'none'", directives["default-src"]);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.Equal("style-src 'self'", directives["style-src"]);
        Assert.Equal($"connect-src 'self' ws://127.0.0.1:{Server.Server.Port} wss://127.0.0.1:{Server.Server.Port}", directives["connect-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("DENY", reply.Header("X-Frame-Options"));
        Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
    }

    [Fact]
    public async Task Page_Markup_HasNoInlineScriptsOrStyles()
    {
        var page = (await GetAsync("/")).Text;

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", page);
        Assert.DoesNotContain("<style", page);
        Assert.DoesNotMatch("\\sstyle=", page);
        Assert.DoesNotMatch("\\son[a-z]+=", page);
    }

    [Fact]
    public async Task Page_MatchingIfNoneMatch_Returns304WithoutBody()
    {
        var first = await GetAsync("/");
        var etag = first.Header("ETag")!;

        var second = await GetAsync("/", ("If-None-Match", etag));

        Assert.Equal(304, second.Code);
        Assert.Equal("", second.Text);
        Assert.Equal(etag, second.Header("ETag"));
        Assert.Equal(200, (await GetAsync("/", ("If-None-Match", "\"something-else\""))).Code);
    }

    [Fact]
    public async Task Page_Head_ReturnsHeadersWithoutBody()
    {
        var reply = await Server.Api.SendAsync(HttpMethod.Head, "/");

        Assert.Equal(200, reply.Code);
        Assert.Equal("", reply.Text);
        Assert.NotNull(reply.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task Assets_ReferencedByPage_AreServedWithTheirContentTypeAndCachedForever()
    {
        var paths = await AssetPathsAsync();
        Assert.Contains(paths, p => p.EndsWith("/app.js", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("/app.css", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("/icon.svg", StringComparison.Ordinal));

        foreach (var path in paths)
        {
            var reply = await GetAsync(path);
            Assert.Equal(200, reply.Code);
            var expected = Path.GetExtension(path) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => throw new InvalidOperationException(path),
            };
            Assert.Equal(expected, reply.Response.Content.Headers.ContentType?.ToString());
            Assert.Equal("public, max-age=31536000, immutable", reply.Header("Cache-Control"));
            Assert.NotNull(reply.Header("ETag"));
        }
    }

    [Fact]
    public async Task Assets_ModuleImports_AllResolve()
    {
        var app = (await AssetPathsAsync()).Single(p => p.EndsWith("/app.js", StringComparison.Ordinal));
        var folder = app[..(app.LastIndexOf('/') + 1)];
        var seen = new HashSet<string>();
        var queue = new Queue<string>([app]);
        while (queue.TryDequeue(out var path))
        {
            if (!seen.Add(path))
            {
                continue;
            }

            var reply = await GetAsync(path);
            Assert.True(reply.Code == 200, $"{path} answered {reply.Code}");
            foreach (Match import in Regex.Matches(reply.Text, """from '\./([a-z0-9-]+\.js)'"""))
            {
                queue.Enqueue(folder + import.Groups[1].Value);
            }
        }

        Assert.True(seen.Count >= 8, $"only {seen.Count} modules reached");
    }

    [Fact]
    public async Task Assets_Scripts_NeverInsertMarkup()
    {
        var app = (await AssetPathsAsync()).Single(p => p.EndsWith("/app.js", StringComparison.Ordinal));
        var folder = app[..(app.LastIndexOf('/') + 1)];
        foreach (var module in Chatire.Web.WebAssets.Load().AssetNames.Where(n => n.EndsWith(".js", StringComparison.Ordinal)))
        {
            var text = (await GetAsync(folder + module)).Text;
            Assert.DoesNotContain("innerHTML", text);
            Assert.DoesNotContain("outerHTML", text);
            Assert.DoesNotContain("insertAdjacentHTML", text);
            Assert.DoesNotContain("document.write", text);
            Assert.DoesNotContain("eval(", text);
        }
    }

    [Fact]
    public async Task Assets_MatchingIfNoneMatch_Returns304()
    {
        var path = (await AssetPathsAsync()).First();
        var etag = (await GetAsync(path)).Header("ETag")!;

        var reply = await GetAsync(path, ("If-None-Match", $"W/{etag}"));

        Assert.Equal(304, reply.Code);
        Assert.Equal("public, max-age=31536000, immutable", reply.Header("Cache-Control"));
    }

    [Fact]
    public async Task Assets_AcceptGzip_ServesCompressedCopyOfTheSameBytes()
    {
        var path = (await AssetPathsAsync()).Single(p => p.EndsWith("/app.css", StringComparison.Ordinal));
        var plain = await GetAsync(path);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate");
        using var response = await Server.Http.SendAsync(request);
        var compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        await using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        Assert.Equal(plain.Text, await reader.ReadToEndAsync());
        Assert.True(compressed.Length < Encoding.UTF8.GetByteCount(plain.Text));
    }

    [Theory]
    [InlineData("/assets/000000000000/app.js")]
    [InlineData("/assets/app.js")]
    public async Task Assets_StaleVersionOrNoVersion_Returns404(string path)
    {
        var reply = await GetAsync(path);

        Assert.Equal(404, reply.Code);
        ApiClient.AssertJsonContentType(reply);
    }

    [Fact]
    public async Task Assets_UnknownFile_Returns404()
    {
        var app = (await AssetPathsAsync()).Single(p => p.EndsWith("/app.js", StringComparison.Ordinal));

        var reply = await GetAsync(app.Replace("app.js", "missing.js", StringComparison.Ordinal));

        Assert.Equal(404, reply.Code);
    }
}
