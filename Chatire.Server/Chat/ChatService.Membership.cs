using Chatire.Core;

namespace Chatire.Chat;

/// <summary>Names, leaving, removing and deleting chats.</summary>
public sealed partial class ChatService
{
    public const int MaxNameCodePoints = 100;

    /// <summary>A chat name: 0-100 code points, stored as received ("" means no name).</summary>
    public static void ValidateName(string? name, FieldErrors errors)
    {
        if (name is null)
        {
            return;
        }

        if (MessageRules.HasLoneSurrogate(name))
        {
            errors.Add("name", "The text holds an unpaired surrogate code point.");
        }
        else if (name.EnumerateRunes().Count() > MaxNameCodePoints)
        {
            errors.Add("name", $"Ensure this field has no more than {MaxNameCodePoints} characters.");
        }
    }

    /// <summary>Renames a chat (owner only); returns it as the caller sees it. <paramref name="errors"/> holds the
    /// body's field errors, thrown after the 404 and 403 checks.</summary>
    public async Task<ChatView> RenameAsync(User caller, string uri, string? name, FieldErrors errors)
    {
        var chat = FindForMember(uri, caller);
        if (chat.OwnerId != caller.Id)
        {
            throw ApiException.Forbidden("Only the owner of the chat may rename it.");
        }

        ValidateName(name, errors);
        errors.ThrowIfAny();
        await _chats.RenameAsync(chat.Id, name!).ConfigureAwait(false);
        _chatsByUri.Remove(uri);
        _events.ChatChanged(new ChatChange(ChatChangeKind.Renamed, chat with { Name = name! }));
        return For(chat.Id, caller.Id) ?? throw ApiException.NotFound();
    }

    /// <summary>
    /// The caller leaves (naming themselves) or, as the owner, removes another member. Checks: 404 chat, 403 the
    /// caller is not a member, 404 the named user is not a member, 403 removing someone else without owning the
    /// chat, 400 the owner leaving.
    /// </summary>
    public async Task RemoveMemberAsync(User caller, string uri, string username)
    {
        var chat = FindForMember(uri, caller);
        var target = Usernames.Key(username) == Usernames.Key(caller.Username) ? caller : _users.FindByUsername(username);
        if (target is null || !_chats.IsMember(chat.Id, target.Id))
        {
            throw ApiException.NotFound();
        }

        if (target.Id != caller.Id && chat.OwnerId != caller.Id)
        {
            throw ApiException.Forbidden("Only the owner of the chat may remove other members.");
        }

        if (target.Id == chat.OwnerId)
        {
            throw ApiException.BadRequest("The owner cannot leave the chat; delete it instead.");
        }

        if (await _chats.RemoveMemberAsync(chat.Id, target.Id).ConfigureAwait(false))
        {
            _members.Remove((chat.Id, target.Id));
            _events.ChatChanged(new ChatChange(ChatChangeKind.MemberRemoved, chat, target));
        }
    }

    /// <summary>Deletes a chat with everything in it (owner only).</summary>
    public async Task DeleteChatAsync(User caller, string uri)
    {
        var chat = FindForMember(uri, caller);
        if (chat.OwnerId != caller.Id)
        {
            throw ApiException.Forbidden("Only the owner of the chat may delete it.");
        }

        var members = await _chats.DeleteAsync(chat.Id).ConfigureAwait(false);
        _chatsByUri.Remove(uri);
        foreach (var member in members)
        {
            _members.Remove((chat.Id, member));
        }

        _events.ChatChanged(new ChatChange(ChatChangeKind.Deleted, chat));
    }
}
