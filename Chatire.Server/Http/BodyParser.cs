using System.Text;
using System.Text.Json;
using Chatire.Core;

namespace Chatire.Http;

/// <summary>Parses JSON and form-urlencoded bodies with the contract's error answers (415, 400).</summary>
public static class BodyParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static RequestBody Parse(ReadOnlyMemory<byte> body, string? contentType)
    {
        if (body.Length == 0)
        {
            return RequestBody.Empty;
        }

        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/json" => ParseJson(body),
            "application/x-www-form-urlencoded" => RequestBody.FromForm(ParseForm(body.Span, strict: true)
                ?? throw ApiException.BadRequest("Malformed request.")),
            _ => throw new ApiException(415, $"Unsupported media type \"{contentType ?? ""}\" in request."),
        };
    }

    private static RequestBody ParseJson(ReadOnlyMemory<byte> body)
    {
        if (body.Span.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        // The JSON reader checks UTF-8 only lazily, when a string is decoded: check it all up front.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw ApiException.BadRequest("JSON parse error - Invalid UTF-8 in request body.");
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest("Malformed request.");
            }

            return RequestBody.FromJson(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest("JSON parse error - " + Describe(ex));
        }
    }

    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>Parses name=value pairs joined by &amp;; + is a space. Returns null for invalid UTF-8 when
    /// <paramref name="strict"/>; otherwise replaces it. The last of repeated names wins.</summary>
    public static Dictionary<string, string>? ParseForm(ReadOnlySpan<byte> data, bool strict)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Encoding.Latin1.GetString(data).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Decode(equals < 0 ? pair : pair[..equals], strict);
            var value = Decode(equals < 0 ? "" : pair[(equals + 1)..], strict);
            if (name is null || value is null)
            {
                return null;
            }

            result[name] = value;
        }

        return result;
    }

    private static string? Decode(string latin1, bool strict)
    {
        var bytes = new List<byte>(latin1.Length);
        for (var i = 0; i < latin1.Length; i++)
        {
            var c = latin1[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < latin1.Length && IsHex(latin1[i + 1]) && IsHex(latin1[i + 2]))
            {
                bytes.Add(Convert.ToByte(latin1.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        var array = bytes.ToArray();
        if (!strict)
        {
            return Encoding.UTF8.GetString(array);
        }

        try
        {
            return StrictUtf8.GetString(array);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
