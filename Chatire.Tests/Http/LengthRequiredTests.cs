using System.Text;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Reliability;

namespace Chatire.Tests.Http;

/// <summary>A POST without Content-Length (<c>curl -X POST</c> with no <c>-d</c>) is answered 411 by
/// HttpListener itself; the server must drop that context with one warning, never an error.</summary>
public sealed class LengthRequiredTests
{
    [Theory]
    [InlineData("POST", "/api/chats/")]
    [InlineData("POST", "/auth/token/logout/")]
    [InlineData("PUT", "/auth/users/me/")]
    public async Task PostWithoutContentLength_AnsweredByListener_OneWarningNoErrorAndServerStillServes(string method, string path)
    {
        await using var server = await TestServer.StartAsync();
        var token = await TestUsers.TokenAsync(server, "alice");
        var request = Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.Server.Port}\r\nAuthorization: Bearer {token}\r\n\r\n");

        var answer = await RawHttp.SendAsync(server.Server.Port, request, TimeSpan.FromSeconds(10));
        var warned = await server.Logs.WaitForAsync(l => l.Contains("answered 411 by the listener", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var after = await server.Api.SendAsync(HttpMethod.Post, "/api/chats/", "{}", token);

        Assert.Equal(411, answer.Status);
        Assert.True(warned, server.Logs.All);
        var warning = Assert.Single(server.Logs.Lines, l => l.Contains("answered 411", StringComparison.Ordinal)).Replace("\"", "", StringComparison.Ordinal);
        Assert.StartsWith("[Warning]", warning);
        Assert.Contains($"{method} {path}", warning);
        Assert.Contains("no Content-Length", warning);
        Assert.DoesNotContain(server.Logs.Lines, l => l.StartsWith("[Error]", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", server.Logs.All);
        Assert.Equal(200, after.Code);
    }

    [Fact]
    public async Task PostWithContentLengthZero_ReachesTheHandler()
    {
        await using var server = await TestServer.StartAsync();
        var token = await TestUsers.TokenAsync(server, "alice");
        var request = Encoding.ASCII.GetBytes($"POST /api/chats/ HTTP/1.1\r\nHost: 127.0.0.1:{server.Server.Port}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n");

        var answer = await RawHttp.SendAsync(server.Server.Port, request, TimeSpan.FromSeconds(10));

        Assert.Equal(200, answer.Status);
        Assert.Contains("\"status\":\"SUCCESS\"", answer.Body.Replace(" ", "", StringComparison.Ordinal));
        Assert.DoesNotContain("answered 411", server.Logs.All);
    }
}
