using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Chatire.Core;

namespace Chatire.Auth;

/// <summary>
/// The JWT shape of access and refresh tokens: <c>base64url(header).base64url(payload).base64url(HMAC-SHA256)</c>
/// with Simple JWT's claims plus the user fields the taxi-app client reads. The shape is for clients;
/// whether a token is valid is decided by the token table, after the signature has been checked here.
/// </summary>
public static class JwtCodec
{
    /// <summary>The one header this server writes (and the only one it accepts).</summary>
    public static readonly string Header = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);

    // Everything outside ASCII is escaped (as PyJWT writes JSON), and so are the ASCII characters whose
    // bytes can turn into '-' or '_' in base64url ('>' is escaped by default; '?' and '~' here, DEL as a
    // control). The payload is then plain base64 too, which clients decode with atob() or b64decode().
    private static readonly JsonWriterOptions PayloadOptions = new() { Encoder = PayloadEncoder() };

    private static JavaScriptEncoder PayloadEncoder()
    {
        var allowed = new TextEncoderSettings(UnicodeRanges.BasicLatin);
        allowed.ForbidCharacters('?', '~');
        return JavaScriptEncoder.Create(allowed);
    }

    /// <summary>A new signed token for <paramref name="user"/>.</summary>
    public static string Encode(TokenKind kind, User user, DateTimeOffset issued, DateTimeOffset expires, byte[] key)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload, PayloadOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("token_type", kind == TokenKind.Refresh ? "refresh" : "access");
            writer.WriteNumber("exp", expires.ToUnixTimeSeconds());
            writer.WriteNumber("iat", issued.ToUnixTimeSeconds());
            writer.WriteString("jti", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            writer.WriteString("user_id", user.Id.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("username", user.Username);
            writer.WriteString("first_name", user.FirstName);
            writer.WriteString("last_name", user.LastName);
            writer.WriteEndObject();
        }

        var signingInput = Header + "." + Base64Url(payload.WrittenSpan);
        return signingInput + "." + Base64Url(Sign(signingInput, key));
    }

    /// <summary>Whether <paramref name="token"/> looks like a JWT (opaque tokens never contain a dot).</summary>
    public static bool IsJwtShaped(string token) => token.Contains('.');

    /// <summary>True when the token has this server's header and a signature made with <paramref name="key"/>.
    /// The comparison takes the same time wherever the signatures differ.</summary>
    public static bool HasValidSignature(string token, byte[] key)
    {
        var lastDot = token.LastIndexOf('.');
        if (lastDot <= Header.Length || !token.StartsWith(Header + ".", StringComparison.Ordinal))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Base64Url(Sign(token[..lastDot], key)));
        var actual = Encoding.UTF8.GetBytes(token[(lastDot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>A new random signing key, as stored in the secrets table.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static byte[] Sign(string signingInput, byte[] key) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signingInput));

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
