using System.Buffers;
using System.Text.Json;
using Chatire.Core;

namespace Chatire.Http;

/// <summary>Django-REST-Framework-shaped error bodies: {"detail": ..., "code"?: ...} or field errors;
/// on Conduit's routes, 400s as {"errors": {...}}.</summary>
public static class ErrorBodies
{
    // As the wire context: only JSON's required escapes (so "Method \"PUT\"" reads as DRF writes it).
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Conduit's name for errors not tied to a field.</summary>
    public const string ConduitGeneralField = "error";

    public static byte[] For(ApiException exception, ErrorStyle style = ErrorStyle.Rest)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            if (style == ErrorStyle.Conduit && exception.Status == 400)
            {
                writer.WriteStartObject("errors");
                var errors = exception is ValidationException v ? v.Errors : new Dictionary<string, List<string>> { ["non_field_errors"] = [exception.Detail] };
                foreach (var (field, messages) in errors)
                {
                    writer.WriteStartArray(field == "non_field_errors" ? ConduitGeneralField : field);
                    foreach (var message in messages)
                    {
                        writer.WriteStringValue(message);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }
            else if (exception is ValidationException validation)
            {
                foreach (var (field, messages) in validation.Errors)
                {
                    writer.WriteStartArray(field);
                    foreach (var message in messages)
                    {
                        writer.WriteStringValue(message);
                    }

                    writer.WriteEndArray();
                }
            }
            else
            {
                writer.WriteString("detail", exception.Detail);
                if (exception.Code is not null)
                {
                    writer.WriteString("code", exception.Code);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
