using System.Text.Json;

namespace Chatire.Realtime;

/// <summary>What a client frame asks for.</summary>
public enum InboundKind
{
    /// <summary><c>{"message": "...", "client_id"?: "..."}</c>, in v2 also with <c>"type": "message"</c>.</summary>
    Post,
    /// <summary>v2 <c>{"type": "read", "up_to": N}</c>.</summary>
    Read,
    /// <summary>v2 <c>{"type": "typing"}</c>.</summary>
    Typing,
}

/// <summary>A client frame. <see cref="Message"/> is set for a post, <see cref="UpTo"/> for a read.</summary>
public sealed record InboundFrame(InboundKind Kind, string Message, string? ClientId, long UpTo = 0)
{
    /// <summary>Parses a text frame. Throws <see cref="JsonException"/> for invalid JSON; returns an error
    /// sentence (and whatever client_id could be read) for well-formed JSON of the wrong shape. Protocol v1
    /// knows posts only and ignores <c>type</c>.</summary>
    public static (InboundFrame? Frame, string? Error, string? ClientId) Parse(ReadOnlySpan<byte> utf8, ProtocolVersion version = ProtocolVersion.V1)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
        using var document = JsonDocument.ParseValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("Unexpected data after the JSON value.");
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "A frame must be a JSON object.", null);
        }

        if (version == ProtocolVersion.V2 && root.TryGetProperty("type", out var typeElement))
        {
            if (typeElement.ValueKind != JsonValueKind.String)
            {
                return (null, "type: Not a valid string.", null);
            }

            switch (typeElement.GetString())
            {
                case "message":
                    break;
                case "read":
                    return ParseRead(root);
                case "typing":
                    return (new InboundFrame(InboundKind.Typing, "", null), null, null);
                default:
                    return (null, "type: Unknown frame type; expected message, read or typing.", null);
            }
        }

        string? clientId = null;
        if (root.TryGetProperty("client_id", out var clientElement) && clientElement.ValueKind != JsonValueKind.Null)
        {
            if (clientElement.ValueKind != JsonValueKind.String)
            {
                return (null, "client_id: Not a valid string.", null);
            }

            clientId = clientElement.GetString();
        }

        if (!root.TryGetProperty("message", out var messageElement))
        {
            return (null, "message: This field is required.", clientId);
        }

        if (messageElement.ValueKind != JsonValueKind.String)
        {
            return (null, "message: Not a valid string.", clientId);
        }

        return (new InboundFrame(InboundKind.Post, messageElement.GetString()!, clientId), null, clientId);
    }

    private static (InboundFrame?, string?, string?) ParseRead(JsonElement root)
    {
        if (!root.TryGetProperty("up_to", out var upTo))
        {
            return (null, "up_to: This field is required.", null);
        }

        if (upTo.ValueKind != JsonValueKind.Number || !upTo.TryGetInt64(out var value) || value < 0)
        {
            return (null, "up_to: A valid integer greater than or equal to 0 is required.", null);
        }

        return (new InboundFrame(InboundKind.Read, "", null, value), null, null);
    }
}
