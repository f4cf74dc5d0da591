using System.Buffers;
using System.Text.Json;
using Chatire.Core;

namespace Chatire.Http;

/// <summary>Django-REST-Framework-shaped error bodies: {"detail": ..., "code"?: ...} or field errors.</summary>
public static class ErrorBodies
{
    // As the wire context: only JSON's required escapes (so "Method \"PUT\"" reads as DRF writes it).
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] For(ApiException exception)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            if (exception is ValidationException validation)
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
