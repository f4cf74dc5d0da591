using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Chatire.Observability;

/// <summary>One JSON object per line: time, level, the message as a person reads it (strings not
/// quoted), the properties, and the exception. Written with Utf8JsonWriter (no reflection).</summary>
public sealed class JsonLogFormatter : ITextFormatter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("time", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("level", logEvent.Level.ToString().ToLowerInvariant());
            writer.WriteString("message", Render(logEvent));
            foreach (var (name, value) in logEvent.Properties)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            if (logEvent.Exception is not null)
            {
                writer.WriteString("exception", logEvent.Exception.ToString());
            }

            writer.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static string Render(LogEvent logEvent)
    {
        var text = new StringBuilder();
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                text.Append(value is ScalarValue { Value: string s } ? s : value.ToString(property.Format, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(token.ToString());
            }
        }

        return text.ToString();
    }

    private static void WriteValue(Utf8JsonWriter writer, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }:
                writer.WriteNullValue();
                break;
            case ScalarValue { Value: bool b }:
                writer.WriteBooleanValue(b);
                break;
            case ScalarValue { Value: int or long or short or byte or uint or ulong or ushort or sbyte } integer:
                writer.WriteNumberValue(Convert.ToInt64(integer.Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ScalarValue { Value: double or float or decimal } number:
                writer.WriteNumberValue(Convert.ToDouble(number.Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ScalarValue scalar:
                writer.WriteStringValue(Convert.ToString(scalar.Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case SequenceValue sequence:
                writer.WriteStartArray();
                foreach (var element in sequence.Elements)
                {
                    WriteValue(writer, element);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
