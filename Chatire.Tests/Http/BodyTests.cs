using System.Net.Http.Headers;
using System.Text;
using Chatire.Tests.Infrastructure;
using Chatire.Tests.Tokens;
using static Chatire.Tests.Infrastructure.ApiClient;

namespace Chatire.Tests.Http;

public sealed class BodyTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ApiClient Api => shared.Api;

    private static ByteArrayContent Raw(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    [Fact]
    public async Task Body_OtherContentType_Returns415()
    {
        var reply = await Api.PostAsync("/auth/token/login/", Raw("username=a&password=b"u8.ToArray(), "text/plain"));

        Assert.Equal(415, reply.Code);
        Assert.Equal("Unsupported media type \"text/plain\" in request.", reply.Body["detail"]!.GetValue<string>());
        AssertJsonContentType(reply);
    }

    [Fact]
    public async Task Body_NoContentTypeWithBody_Returns415()
    {
        var reply = await Api.PostAsync("/auth/token/login/", Raw("{}"u8.ToArray(), null));

        Assert.Equal(415, reply.Code);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Body_EmptyWithAnyContentType_IsAccepted(string? contentType)
    {
        var reply = await Api.PostAsync("/auth/token/login/", Raw([], contentType));

        Assert.Equal(400, reply.Code);
        Assert.Equal("This field is required.", reply.Body["username"]![0]!.GetValue<string>());
        Assert.Equal("This field is required.", reply.Body["password"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"username\": ")]
    [InlineData("{'username': 'a'}")]
    [InlineData("{\"a\": 1,}")]
    public async Task Body_InvalidJson_Returns400ParseError(string json)
    {
        var reply = await Api.PostAsync("/auth/token/login/", Raw(Encoding.UTF8.GetBytes(json), "application/json"));

        Assert.Equal(400, reply.Code);
        Assert.StartsWith("JSON parse error - ", reply.Body["detail"]!.GetValue<string>());
        AssertJsonContentType(reply);
    }

    [Fact]
    public async Task Body_InvalidUtf8InJsonString_Returns400ParseError()
    {
        byte[] json = [.. "{\"username\": \"a"u8, 0xFF, 0xFE, .. "\", \"password\": \"x\"}"u8];

        var reply = await Api.PostAsync("/auth/token/login/", Raw(json, "application/json; charset=utf-8"));

        Assert.Equal(400, reply.Code);
        Assert.StartsWith("JSON parse error - ", reply.Body["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task Body_JsonNotAnObject_Returns400Malformed(string json)
    {
        var reply = await Api.PostAsync("/auth/token/login/", Raw(Encoding.UTF8.GetBytes(json), "application/json"));

        Assert.Equal(400, reply.Code);
        Assert.Equal("Malformed request.", reply.Body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Body_FormWithRawInvalidUtf8_Returns400Malformed()
    {
        byte[] form = [.. "username=a"u8, 0xC3, 0x28, .. "&password=b"u8];

        var reply = await Api.PostAsync("/auth/token/login/", Raw(form, "application/x-www-form-urlencoded"));

        Assert.Equal(400, reply.Code);
        Assert.Equal("Malformed request.", reply.Body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Body_FormWithPercentEncodedInvalidUtf8_Returns400Malformed()
    {
        var reply = await Api.PostAsync("/auth/token/login/", Raw("username=%FF%FE&password=b"u8.ToArray(), "application/x-www-form-urlencoded"));

        Assert.Equal(400, reply.Code);
        Assert.Equal("Malformed request.", reply.Body["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"a\": 1}")]
    [InlineData("true")]
    public async Task Body_StringFieldWithOtherJsonType_Returns400NotValidString(string value)
    {
        var reply = await Api.PostAsync("/auth/token/login/", $"{{\"username\": {value}, \"password\": \"secret-password\"}}");

        Assert.Equal(400, reply.Code);
        Assert.Equal("{\"username\":[\"Not a valid string.\"]}", reply.Text);
    }

    [Fact]
    public async Task Body_OverLimitWithContentLength_Returns413()
    {
        var body = new string('a', 70 * 1024);

        var reply = await Api.PostAsync("/auth/users/", Form(("username", body), ("password", "x")));

        Assert.Equal(413, reply.Code);
        AssertJsonContentType(reply);
    }

    [Fact]
    public async Task Body_OverLimitChunked_Returns413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/users/")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"username\": \"" + new string('a', 70 * 1024) + "\"}"))),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await shared.Server.Http.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
    }

    [Fact]
    public async Task Body_ChunkedUnderLimit_IsRead()
    {
        var name = SharedServer.NewName();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/users/")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"username\": \"{name}\", \"password\": \"{DefaultPassword}\"}}"))),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await shared.Server.Http.SendAsync(request);

        Assert.Equal(201, (int)response.StatusCode);
    }

    [Fact]
    public async Task Order_OverLimitWithoutCredentials_Returns413Before401()
    {
        var reply = await Api.PostAsync("/auth/users/set_password/", Form(("new_password", new string('a', 70 * 1024))));

        Assert.Equal(413, reply.Code);
    }

    [Fact]
    public async Task Order_BadBodyWithoutCredentials_Returns401Before415()
    {
        var reply = await Api.PostAsync("/auth/users/set_password/", Raw("x"u8.ToArray(), "text/plain"));

        Assert.Equal(401, reply.Code);
        Assert.Equal("Authentication credentials were not provided.", reply.Body["detail"]!.GetValue<string>());
        Assert.Equal("Bearer realm=\"api\"", reply.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Body_FormRepeatedFieldsAndPlus_AreDecoded()
    {
        var name = SharedServer.NewName();
        var reply = await Api.PostAsync("/auth/users/", Raw(Encoding.ASCII.GetBytes($"username=ignored&username={name}&password=correct+horse%2Bbattery&first_name=J%C3%BCrgen"), "application/x-www-form-urlencoded"));

        Assert.Equal(201, reply.Code);
        Assert.Equal(name, reply.Body["username"]!.GetValue<string>());
        Assert.Equal("Jürgen", reply.Body["first_name"]!.GetValue<string>());
        Assert.Equal(200, (await Api.PostAsync("/auth/token/login/", Json(("username", name), ("password", "correct horse+battery")))).Code);
    }

    // Regression: curl -d '{...}' without the JSON content type answered only "This field is required.".
    [Fact]
    public async Task Body_JsonSentAsForm_Returns400WithContentTypeHint()
    {
        var reply = await Api.PostAsync("/auth/users/", Raw("{\"username\": \"alice\", \"password\": \"correct-horse-battery\"}"u8.ToArray(), "application/x-www-form-urlencoded"));

        Assert.Equal(400, reply.Code);
        Assert.Equal("This field is required.", reply.Body["username"]![0]!.GetValue<string>());
        Assert.Equal("Send Content-Type: application/json for a JSON body.", reply.Body["non_field_errors"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Body_RealFormMissingField_HasNoContentTypeHint()
    {
        var reply = await Api.PostAsync("/auth/users/", Raw("password=correct-horse-battery"u8.ToArray(), "application/x-www-form-urlencoded"));

        Assert.Equal(400, reply.Code);
        Assert.Null(reply.Body["non_field_errors"]);
    }
}
