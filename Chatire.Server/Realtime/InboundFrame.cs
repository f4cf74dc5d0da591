using System.Text.Json;

namespace Chatire.Realtime;

/// <summary>A client frame: <c>{"message": "...", "client_id"?: "..."}</c>.</summary>
public sealed record InboundFrame(string Message, string? ClientId)
{
    /// <summary>Parses a text frame. Throws <see cref="JsonException"/> for invalid JSON; returns an error
    /// sentence (and whatever client_id could be read) for well-formed JSON of the wrong shape.</summary>
    public static (InboundFrame? Frame, string? Error, string? ClientId) Parse(ReadOnlySpan<byte> utf8)
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

        return (new InboundFrame(messageElement.GetString()!, clientId), null, clientId);
    }
}
