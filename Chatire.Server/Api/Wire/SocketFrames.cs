using System.Text.Json.Serialization;

namespace Chatire.Api.Wire;

/// <summary>Protocol v2 frames (server to client).</summary>
public sealed record MessageFrame(
    [property: JsonPropertyName("data")] MessageDto Data)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "message";
}

public sealed record UserEventFrame(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("user")] UserDto User);

public sealed record PresenceFrame([property: JsonPropertyName("users")] IReadOnlyList<UserDto> Users)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "presence";
}

/// <summary>client_id is written as null when the client sent none.</summary>
public sealed record AckFrame(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("id")] long Id)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "ack";
}

public sealed record ErrorFrame(
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("client_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}
