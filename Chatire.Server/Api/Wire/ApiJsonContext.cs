using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chatire.Api.Wire;

/// <summary>Source-generated serializers for every wire type (no reflection, trimmable).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(UserDto))]
[JsonSerializable(typeof(List<UserDto>))]
[JsonSerializable(typeof(AuthTokenResponse))]
[JsonSerializable(typeof(TokenPairResponse))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(TaxiUserDto))]
[JsonSerializable(typeof(TokenObtainPairResponse))]
[JsonSerializable(typeof(ConduitUserResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(ChatDto))]
[JsonSerializable(typeof(ChatListResponse))]
[JsonSerializable(typeof(ChatCreatedResponse))]
[JsonSerializable(typeof(ChatJoinedResponse))]
[JsonSerializable(typeof(MessageHistoryResponse))]
[JsonSerializable(typeof(MessagePostedResponse))]
[JsonSerializable(typeof(MessageFrame))]
[JsonSerializable(typeof(UserEventFrame))]
[JsonSerializable(typeof(PresenceFrame))]
[JsonSerializable(typeof(AckFrame))]
[JsonSerializable(typeof(ErrorFrame))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>The context every response uses: text is written as it was received, only JSON's
    /// required escapes applied (clients escape for HTML).</summary>
    public static ApiJsonContext Wire { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
