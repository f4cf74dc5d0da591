using Chatire.Chat;
using Chatire.Storage;

namespace Chatire.Api.Wire;

/// <summary>Turns chat domain results into wire records.</summary>
public static class ChatMapping
{
    public static MessageDto ToDto(this AuthoredMessage m) => m.Message.Deleted
        ? new(m.Message.Id, m.Message.Uri, UserDto.From(m.Author), "", m.Message.Created, null, null, true)
        : new(m.Message.Id, m.Message.Uri, UserDto.From(m.Author), m.Message.Text, m.Message.Created, m.Message.ClientId, m.Message.Edited);

    public static ChatDto ToDto(this ChatView view) =>
        new(view.Chat.Uri, view.Chat.Name, UserDto.From(view.Owner), view.Members.Select(UserDto.From).ToList(), view.Chat.Created, view.LastMessage?.ToDto(),
            view.LastRead, view.Unread);

    public static MessagePostedResponse ToPostedResponse(this AuthoredMessage m) =>
        new("SUCCESS", m.Message.Uri, m.Message.Text, UserDto.From(m.Author), m.Message.Id, m.Message.Created, m.Message.ClientId);
}
