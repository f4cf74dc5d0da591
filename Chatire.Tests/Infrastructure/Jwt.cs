using System.Text;
using System.Text.Json.Nodes;

namespace Chatire.Tests.Infrastructure;

/// <summary>Reads a JWT-shaped token as a client does: split on dots, base64url-decode, parse JSON.
/// It does not check the signature (clients cannot; the server does).</summary>
public static class Jwt
{
    public static JsonObject Header(string token) => Decode(token.Split('.')[0]);

    public static JsonObject Payload(string token) => Decode(token.Split('.')[1]);

    public static byte[] FromBase64Url(string part)
    {
        var text = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }

    public static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The token with its payload replaced by <paramref name="payload"/> and the old signature kept.</summary>
    public static string WithPayload(string token, JsonObject payload)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{ToBase64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";
    }

    /// <summary>Asserts the token is a JWT of this server with the given token_type, and returns its payload.</summary>
    public static JsonObject AssertShape(string token, string tokenType)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.All(p, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')));
        var header = Header(token);
        Assert.Equal("HS256", header["alg"]!.GetValue<string>());
        Assert.Equal("JWT", header["typ"]!.GetValue<string>());
        Assert.Equal(32, FromBase64Url(parts[2]).Length);
        var payload = Payload(token);
        Assert.Equal(tokenType, payload["token_type"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", payload["jti"]!.GetValue<string>());
        Assert.True(payload["exp"]!.GetValue<long>() > payload["iat"]!.GetValue<long>());
        return payload;
    }

    private static JsonObject Decode(string part) => JsonNode.Parse(FromBase64Url(part))!.AsObject();
}
