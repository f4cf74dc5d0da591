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

/// <summary>{"type": "edit", "seq", "data"}: a message as it is after the edit.</summary>
public sealed record EditFrame(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("data")] MessageDto Data)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "edit";
}

public sealed record DeleteFrame(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("id")] long Id)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "delete";
}

public sealed record ChatFrame([property: JsonPropertyName("data")] ChatDto Data)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "chat";
}

public sealed record ReadFrame(
    [property: JsonPropertyName("user")] UserDto User,
    [property: JsonPropertyName("up_to")] long UpTo)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "read";
}

/// <summary>The user stream's first frame: what GET /api/chats/ returns.</summary>
public sealed record ChatsFrame([property: JsonPropertyName("chats")] IReadOnlyList<ChatDto> Chats)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "chats";
}

public sealed record RemovedFrame([property: JsonPropertyName("uri")] string Uri)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "removed";
}
