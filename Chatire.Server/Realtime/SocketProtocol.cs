using System.Text.Json;
using Chatire.Api.Wire;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Realtime;

/// <summary>Which frames a socket gets: v1 (Chatire's: bare message objects) or v2 (typed frames).</summary>
public enum ProtocolVersion
{
    V1 = 1,
    V2 = 2,
}

/// <summary>One frame waiting in a socket's outbox. <see cref="MessageId"/> is 0 for frames that carry no message.</summary>
public readonly record struct OutboundFrame(long MessageId, byte[] Bytes);

/// <summary>The server-to-client frames of both protocol versions, serialized once each.</summary>
public static class SocketProtocol
{
    public static byte[] MessageV1(AuthoredMessage message) => JsonSerializer.SerializeToUtf8Bytes(message.ToDto(), ApiJsonContext.Wire.MessageDto);

    public static byte[] MessageV2(AuthoredMessage message) => JsonSerializer.SerializeToUtf8Bytes(new MessageFrame(message.ToDto()), ApiJsonContext.Wire.MessageFrame);

    public static byte[] Message(AuthoredMessage message, ProtocolVersion version) => version == ProtocolVersion.V2 ? MessageV2(message) : MessageV1(message);

    public static byte[] Presence(IEnumerable<User> users) =>
        JsonSerializer.SerializeToUtf8Bytes(new PresenceFrame(users.Select(UserDto.From).ToList()), ApiJsonContext.Wire.PresenceFrame);

    public static byte[] Join(User user) => JsonSerializer.SerializeToUtf8Bytes(new UserEventFrame("join", UserDto.From(user)), ApiJsonContext.Wire.UserEventFrame);

    public static byte[] Leave(User user) => JsonSerializer.SerializeToUtf8Bytes(new UserEventFrame("leave", UserDto.From(user)), ApiJsonContext.Wire.UserEventFrame);

    public static byte[] Ack(string? clientId, long id) => JsonSerializer.SerializeToUtf8Bytes(new AckFrame(clientId, id), ApiJsonContext.Wire.AckFrame);

    public static byte[] Error(string detail, string? clientId = null) => JsonSerializer.SerializeToUtf8Bytes(new ErrorFrame(detail, clientId), ApiJsonContext.Wire.ErrorFrame);
}
