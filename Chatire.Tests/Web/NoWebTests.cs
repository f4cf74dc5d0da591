using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Web;

public sealed class NoWebTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/chats/0123456789abcde/")]
    public async Task NoWeb_ClientPaths_Return404Json(string path)
    {
        await using var server = await TestServer.StartAsync(s => s with { WebClient = false });

        var reply = await server.Api.GetAsync(path);

        Assert.Equal(404, reply.Code);
        ApiClient.AssertJsonContentType(reply);
        Assert.Null(reply.Header("Content-Security-Policy"));
        Assert.Equal(200, (await server.Api.GetAsync("/health")).Code);
    }
}
