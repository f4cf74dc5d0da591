using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Chatire.Http;

/// <summary>What a handler returns; the pipeline writes it. Handlers never touch the listener's response.</summary>
public sealed class ApiResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";

    private ApiResponse(int status, ReadOnlyMemory<byte> body, string? contentType)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }
    public ReadOnlyMemory<byte> Body { get; }
    public string? ContentType { get; }
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>The handler took over the connection (a WebSocket upgrade); nothing more is written.</summary>
    public bool Hijacked { get; private init; }

    public static ApiResponse NoContent => new(204, ReadOnlyMemory<byte>.Empty, null);

    public static ApiResponse HijackedResponse(int status) => new(status, ReadOnlyMemory<byte>.Empty, null) { Hijacked = true };

    public static ApiResponse Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = 200) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), JsonContentType);

    public static ApiResponse RawJson(ReadOnlyMemory<byte> utf8Json, int status = 200) => new(status, utf8Json, JsonContentType);

    public static ApiResponse Bytes(ReadOnlyMemory<byte> body, string contentType, int status = 200) => new(status, body, contentType);

    public ApiResponse WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }
}
