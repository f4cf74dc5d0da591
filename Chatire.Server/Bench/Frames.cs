using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Chatire.Bench;

public enum FrameKind
{
    Other,
    Message,
    Ack,
    Error,
}

/// <summary>What the generator needs from a server frame (protocol v2, or a bare v1 message).</summary>
public readonly record struct Frame(FrameKind Kind, long Id, long SentTicks, int Slot, long Seq, string? Detail);

/// <summary>
/// Bench message texts carry their send time and origin: <c>b:&lt;stopwatch ticks&gt;:&lt;slot&gt;:&lt;seq&gt;:</c>
/// then padding to the requested size. Frames are read with Utf8JsonReader, without allocating
/// for the common message and ack frames; a batched message is split on its line breaks.
/// </summary>
public static class Frames
{
    public static string Payload(long ticks, int slot, long seq, int size)
    {
        var head = $"b:{ticks}:{slot}:{seq}:";
        return head.Length >= size ? head : head + new string('x', size - head.Length);
    }

    public static byte[] PostFrame(string text, string clientId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("message", text);
            writer.WriteString("client_id", clientId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses every frame of a WebSocket message: one, or a batch of frames one per line
    /// (JSON text never holds a raw line break, so splitting on it is exact).</summary>
    public static void ParseEach(ReadOnlySpan<byte> message, Action<Frame> onFrame)
    {
        while (true)
        {
            var end = message.IndexOf((byte)'\n');
            if (end < 0)
            {
                onFrame(Parse(message));
                return;
            }

            onFrame(Parse(message[..end]));
            message = message[(end + 1)..];
        }
    }

    /// <summary>A message frame as the servers write it (<c>{"type":"message","data":{"id":N,...,"message":"b:...</c>)
    /// is read by looking for those bytes, which is several times cheaper than a JSON reader; any other frame, or
    /// one written differently, is read with Utf8JsonReader.</summary>
    public static Frame Parse(ReadOnlySpan<byte> json) => TryParseMessage(json, out var frame) ? frame : ParseJson(json);

    private static bool TryParseMessage(ReadOnlySpan<byte> json, out Frame frame)
    {
        frame = default;
        ReadOnlySpan<byte> head = """{"type":"message","data":{"id":"""u8;
        if (!json.StartsWith(head) || !Utf8Parser.TryParse(json[head.Length..], out long id, out var used))
        {
            return false;
        }

        var rest = json[(head.Length + used)..];
        ReadOnlySpan<byte> text = "\"message\":\"b:"u8;
        var at = rest.IndexOf(text);
        if (at < 0)
        {
            return false;
        }

        rest = rest[(at + text.Length)..];
        var end = rest.IndexOf((byte)'"');
        if (end < 0 || !TryParseStamp(rest[..end], out var ticks, out var slot, out var seq))
        {
            return false;
        }

        frame = new Frame(FrameKind.Message, id, ticks, slot, seq, null);
        return true;
    }

    private static Frame ParseJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var kind = FrameKind.Other;
        var typed = false;
        long id = 0;
        long ticks = 0;
        var slot = -1;
        long seq = -1;
        string? detail = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    typed = true;
                    kind = reader.ValueTextEquals("message"u8) ? FrameKind.Message
                        : reader.ValueTextEquals("ack"u8) ? FrameKind.Ack
                        : reader.ValueTextEquals("error"u8) ? FrameKind.Error
                        : FrameKind.Other;
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadMessage(ref reader, ref id, ref ticks, ref slot, ref seq);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0;
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    ParsePayload(ref reader, ref ticks, ref slot, ref seq);
                }
                else if (reader.ValueTextEquals("detail"u8))
                {
                    reader.Read();
                    detail = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return new Frame(FrameKind.Other, 0, 0, -1, -1, "unreadable frame: " + Encoding.UTF8.GetString(json));
        }

        if (!typed && id > 0)
        {
            kind = FrameKind.Message; // protocol v1: the bare message object
        }

        return new Frame(kind, id, ticks, slot, seq, detail);
    }

    private static void ReadMessage(ref Utf8JsonReader reader, ref long id, ref long ticks, ref int slot, ref long seq)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                ParsePayload(ref reader, ref ticks, ref slot, ref seq);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ParsePayload(ref Utf8JsonReader reader, ref long ticks, ref int slot, ref long seq)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return;
        }

        var text = reader.ValueSpan;
        if (text.Length >= 2 && text[0] == (byte)'b' && text[1] == (byte)':' && TryParseStamp(text[2..], out var t, out var s, out var q))
        {
            ticks = t;
            slot = s;
            seq = q;
        }
    }

    /// <summary>Reads <c>&lt;ticks&gt;:&lt;slot&gt;:&lt;seq&gt;</c> (what follows <c>b:</c> in a bench message).</summary>
    private static bool TryParseStamp(ReadOnlySpan<byte> text, out long ticks, out int slot, out long seq)
    {
        slot = -1;
        seq = -1;
        if (!Utf8Parser.TryParse(text, out ticks, out var used) || used >= text.Length)
        {
            return false;
        }

        text = text[(used + 1)..];
        if (!Utf8Parser.TryParse(text, out slot, out used) || used >= text.Length)
        {
            slot = -1;
            return false;
        }

        text = text[(used + 1)..];
        if (!Utf8Parser.TryParse(text, out seq, out _))
        {
            slot = -1;
            seq = -1;
            return false;
        }

        return true;
    }
}
