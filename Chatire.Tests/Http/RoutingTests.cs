using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;

namespace Chatire.Tests.Http;

public sealed class RoutingTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ApiClient Api => shared.Api;

    [Fact]
    public async Task Route_UnknownPath_Returns404Json()
    {
        var reply = await Api.GetAsync("/auth/nothing/here/");

        Assert.Equal(404, reply.Code);
        Assert.Equal("{\"detail\":\"Not found.\"}", reply.Text);
        ApiClient.AssertJsonContentType(reply);
        Assert.NotNull(reply.Header("X-Request-Id"));
    }

    [Fact]
    public async Task Route_WrongMethod_Returns405WithAllow()
    {
        var reply = await Api.SendAsync(HttpMethod.Put, "/auth/token/login/");

        Assert.Equal(405, reply.Code);
        Assert.Equal("{\"detail\":\"Method \\\"PUT\\\" not allowed.\"}", reply.Text);
        Assert.Equal("POST, OPTIONS", reply.Header("Allow"));
    }

    [Fact]
    public async Task Route_DeleteOnMeAlias_Returns405ListingMethods()
    {
        var reply = await Api.SendAsync(HttpMethod.Delete, "/auth/me/");

        Assert.Equal(405, reply.Code);
        Assert.Equal("GET, PUT, PATCH, OPTIONS", reply.Header("Allow"));
    }

    [Fact]
    public async Task Route_MethodNotAllowedWithoutCredentials_Returns405Before401()
    {
        var reply = await Api.SendAsync(HttpMethod.Put, "/auth/token/logout/");

        Assert.Equal(405, reply.Code);
    }

    [Theory]
    [InlineData("/auth/users/me")]
    [InlineData("/auth/users/me/")]
    [InlineData("/auth/me")]
    [InlineData("/auth/me/")]
    public async Task Route_WithAndWithoutTrailingSlash_AnswersDirectly(string path)
    {
        var token = await Api.SignUpAndLoginAsync(SharedServer.NewName());

        var reply = await Api.GetAsync(path, token);

        Assert.Equal(200, reply.Code);
    }

    [Fact]
    public async Task RequestId_Absent_IsGenerated()
    {
        var first = await Api.GetAsync("/auth/nothing");
        var second = await Api.GetAsync("/auth/nothing");

        Assert.False(string.IsNullOrEmpty(first.Header("X-Request-Id")));
        Assert.NotEqual(first.Header("X-Request-Id"), second.Header("X-Request-Id"));
    }

    [Fact]
    public async Task RequestId_Given_IsEchoedOnErrors()
    {
        var reply = await Api.SendAsync(HttpMethod.Post, "/auth/token/login/", "{", headers: new Dictionary<string, string> { ["X-Request-Id"] = "req-42" });

        Assert.Equal(400, reply.Code);
        Assert.Equal("req-42", reply.Header("X-Request-Id"));
    }
}
