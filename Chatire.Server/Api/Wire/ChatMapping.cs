using Chatire.Chat;
using Chatire.Storage;

namespace Chatire.Api.Wire;

/// <summary>Turns chat domain results into wire records.</summary>
public static class ChatMapping
{
    public static MessageDto ToDto(this AuthoredMessage m) =>
        new(m.Message.Id, m.Message.Uri, UserDto.From(m.Author), m.Message.Text, m.Message.Created, m.Message.ClientId);

    public static ChatDto ToDto(this ChatView view) =>
        new(view.Chat.Uri, UserDto.From(view.Owner), view.Members.Select(UserDto.From).ToList(), view.Chat.Created, view.LastMessage?.ToDto());

    public static MessagePostedResponse ToPostedResponse(this AuthoredMessage m) =>
        new("SUCCESS", m.Message.Uri, m.Message.Text, UserDto.From(m.Author), m.Message.Id, m.Message.Created, m.Message.ClientId);
}
