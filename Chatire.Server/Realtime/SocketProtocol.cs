using System.Text.Json;
using Chatire.Api.Wire;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Realtime;

/// <summary>Which frames a socket gets: v1 (Chatire's: bare message objects) or v2 (typed frames).</summary>
public enum ProtocolVersion
{
    V1 = 1,
    V2 = 2,
}

/// <summary>One frame waiting in a socket's outbox. <see cref="Position"/> is the timeline position of a
/// message, edit or delete frame (its id or seq), and 0 for frames that are not timeline.</summary>
public readonly record struct OutboundFrame(long Position, byte[] Bytes);

/// <summary>The server-to-client frames of both protocol versions, serialized once each.</summary>
public static class SocketProtocol
{
    public static byte[] MessageV1(AuthoredMessage message) => JsonSerializer.SerializeToUtf8Bytes(message.ToDto(), ApiJsonContext.Wire.MessageDto);

    public static byte[] MessageV2(AuthoredMessage message) => JsonSerializer.SerializeToUtf8Bytes(new MessageFrame(message.ToDto()), ApiJsonContext.Wire.MessageFrame);

    public static byte[] Message(AuthoredMessage message, ProtocolVersion version) => version == ProtocolVersion.V2 ? MessageV2(message) : MessageV1(message);

    /// <summary>A timeline entry as a v2 frame: message, edit or delete.</summary>
    public static byte[] Timeline(TimelineEntry entry) => entry.Kind switch
    {
        TimelineKind.Message => MessageV2(entry.Message),
        TimelineKind.Edit => JsonSerializer.SerializeToUtf8Bytes(new EditFrame(entry.Position, entry.Message.ToDto()), ApiJsonContext.Wire.EditFrame),
        _ => JsonSerializer.SerializeToUtf8Bytes(new DeleteFrame(entry.Position, entry.Message.Message.Id), ApiJsonContext.Wire.DeleteFrame),
    };

    public static byte[] Chat(ChatView view) => JsonSerializer.SerializeToUtf8Bytes(new ChatFrame(view.ToDto()), ApiJsonContext.Wire.ChatFrame);

    public static byte[] Chats(IEnumerable<ChatView> views) =>
        JsonSerializer.SerializeToUtf8Bytes(new ChatsFrame(views.Select(v => v.ToDto()).ToList()), ApiJsonContext.Wire.ChatsFrame);

    public static byte[] Removed(string uri) => JsonSerializer.SerializeToUtf8Bytes(new RemovedFrame(uri), ApiJsonContext.Wire.RemovedFrame);

    public static byte[] Read(User user, long upTo) => JsonSerializer.SerializeToUtf8Bytes(new ReadFrame(UserDto.From(user), upTo), ApiJsonContext.Wire.ReadFrame);

    public static byte[] Typing(User user) => JsonSerializer.SerializeToUtf8Bytes(new UserEventFrame("typing", UserDto.From(user)), ApiJsonContext.Wire.UserEventFrame);

    public static byte[] Presence(IEnumerable<User> users) =>
        JsonSerializer.SerializeToUtf8Bytes(new PresenceFrame(users.Select(UserDto.From).ToList()), ApiJsonContext.Wire.PresenceFrame);

    public static byte[] Join(User user) => JsonSerializer.SerializeToUtf8Bytes(new UserEventFrame("join", UserDto.From(user)), ApiJsonContext.Wire.UserEventFrame);

    public static byte[] Leave(User user) => JsonSerializer.SerializeToUtf8Bytes(new UserEventFrame("leave", UserDto.From(user)), ApiJsonContext.Wire.UserEventFrame);

    public static byte[] Ack(string? clientId, long id) => JsonSerializer.SerializeToUtf8Bytes(new AckFrame(clientId, id), ApiJsonContext.Wire.AckFrame);

    public static byte[] Error(string detail, string? clientId = null) => JsonSerializer.SerializeToUtf8Bytes(new ErrorFrame(detail, clientId), ApiJsonContext.Wire.ErrorFrame);
}
