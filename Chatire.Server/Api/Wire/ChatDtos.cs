using System.Text.Json.Serialization;

namespace Chatire.Api.Wire;

/// <summary>A message: client_id only when one was given, edited only once edited, deleted only on a
/// tombstone (which has neither of the other two).</summary>
public sealed record MessageDto(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("user")] UserDto User,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("client_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId,
    [property: JsonPropertyName("edited"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Edited = null,
    [property: JsonPropertyName("deleted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Deleted = null);

/// <summary>A chat; last_read and unread are the reader's (absent where no one reader is meant: chat sockets).</summary>
public sealed record ChatDto(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner")] UserDto Owner,
    [property: JsonPropertyName("members")] IReadOnlyList<UserDto> Members,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("last_message")] MessageDto? LastMessage,
    [property: JsonPropertyName("last_read"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LastRead = null,
    [property: JsonPropertyName("unread"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Unread = null);

public sealed record ReadResponse([property: JsonPropertyName("last_read")] long LastRead);

public sealed record ChatListResponse([property: JsonPropertyName("chats")] IReadOnlyList<ChatDto> Chats);

public sealed record ChatCreatedResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("message")] string Message);

public sealed record ChatJoinedResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("members")] IReadOnlyList<UserDto> Members,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("user")] UserDto User);

public sealed record MessageHistoryResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("messages")] IReadOnlyList<MessageDto> Messages);

/// <summary>The answer to an HTTP post: the message fields plus "status".</summary>
public sealed record MessagePostedResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("user")] UserDto User,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("client_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId);
