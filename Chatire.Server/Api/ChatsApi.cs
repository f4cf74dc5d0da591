using System.Globalization;
using Chatire.Api.Wire;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Http;

namespace Chatire.Api;

/// <summary>Chatire's chat sessions and their messages.</summary>
public sealed class ChatsApi(ChatService chats, HistoryCache history)
{
    public async Task<ApiResponse> Create(RequestContext context)
    {
        var errors = new FieldErrors();
        var name = context.Body.String("name", errors);
        ChatService.ValidateName(name, errors);
        errors.ThrowIfAny();
        var chat = await chats.CreateAsync(context.User.User, name ?? "").ConfigureAwait(false);
        return ApiResponse.Json(new ChatCreatedResponse("SUCCESS", chat.Uri, "New chat session created"), ApiJsonContext.Wire.ChatCreatedResponse);
    }

    public Task<ApiResponse> List(RequestContext context)
    {
        var list = chats.List(context.User.User).Select(v => v.ToDto()).ToList();
        return Task.FromResult(ApiResponse.Json(new ChatListResponse(list), ApiJsonContext.Wire.ChatListResponse));
    }

    public Task<ApiResponse> Detail(RequestContext context)
    {
        var view = chats.Detail(context.User.User, context.Route("uri"));
        return Task.FromResult(ApiResponse.Json(view.ToDto(), ApiJsonContext.Wire.ChatDto));
    }

    /// <summary>PATCH /api/chats/&lt;uri&gt;/: with <c>name</c>, a rename (owner only); otherwise a join.</summary>
    public async Task<ApiResponse> Patch(RequestContext context)
    {
        var body = context.Body;
        if (!body.Has("name"))
        {
            return await Join(context, body).ConfigureAwait(false);
        }

        var errors = new FieldErrors();
        var name = body.String("name", errors, required: true);
        if (body.Has("username"))
        {
            errors.Add("non_field_errors", "Send either name or username, not both.");
        }

        var view = await chats.RenameAsync(context.User.User, context.Route("uri"), name, errors).ConfigureAwait(false);
        return ApiResponse.Json(view.ToDto(), ApiJsonContext.Wire.ChatDto);
    }

    public async Task<ApiResponse> DeleteChat(RequestContext context)
    {
        _ = context.Body;
        await chats.DeleteChatAsync(context.User.User, context.Route("uri")).ConfigureAwait(false);
        return ApiResponse.NoContent;
    }

    public async Task<ApiResponse> RemoveMember(RequestContext context)
    {
        _ = context.Body;
        await chats.RemoveMemberAsync(context.User.User, context.Route("uri"), Uri.UnescapeDataString(context.Route("username"))).ConfigureAwait(false);
        return ApiResponse.NoContent;
    }

    public async Task<ApiResponse> EditMessage(RequestContext context)
    {
        var body = context.Body;
        var errors = new FieldErrors();
        var text = body.String("message", errors, required: true);
        var message = await chats.EditAsync(context.User.User, context.Route("uri"), MessageId(context), text, errors).ConfigureAwait(false);
        return ApiResponse.Json(message.ToDto(), ApiJsonContext.Wire.MessageDto);
    }

    public async Task<ApiResponse> DeleteMessage(RequestContext context)
    {
        _ = context.Body;
        await chats.DeleteMessageAsync(context.User.User, context.Route("uri"), MessageId(context)).ConfigureAwait(false);
        return ApiResponse.NoContent;
    }

    public async Task<ApiResponse> MarkRead(RequestContext context)
    {
        var errors = new FieldErrors();
        var upTo = context.Body.Integer("up_to", errors, required: true, minimum: 0);
        var lastRead = await chats.MarkReadAsync(context.User.User, context.Route("uri"), upTo, errors).ConfigureAwait(false);
        return ApiResponse.Json(new ReadResponse(lastRead), ApiJsonContext.Wire.ReadResponse);
    }

    /// <summary>The message id of the path; one that is not a number names no message (0 matches none).</summary>
    private static long MessageId(RequestContext context) =>
        long.TryParse(context.Route("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    private async Task<ApiResponse> Join(RequestContext context, RequestBody body)
    {
        var errors = new FieldErrors();
        var username = body.String("username", errors);
        var result = await chats.JoinAsync(context.User.User, context.Route("uri"), username, errors).ConfigureAwait(false);
        var response = new ChatJoinedResponse("SUCCESS", result.Members.Select(UserDto.From).ToList(), $"{result.Joined.Username} joined the chat", UserDto.From(result.Joined));
        return ApiResponse.Json(response, ApiJsonContext.Wire.ChatJoinedResponse);
    }

    public Task<ApiResponse> History(RequestContext context)
    {
        var errors = new FieldErrors();
        var limit = IntegerParameter(context, "limit", errors);
        if (limit is < 1)
        {
            errors.Add("limit", "Ensure this value is greater than or equal to 1.");
        }

        var before = IntegerParameter(context, "before", errors);
        var after = IntegerParameter(context, "after", errors);
        if (before is null && after is null && !errors.Any)
        {
            var member = chats.FindForMember(context.Route("uri"), context.User.User);
            if (history.Newest(member, (int)Math.Min(limit ?? ChatService.DefaultHistoryLimit, ChatService.MaxHistoryLimit)) is { } page)
            {
                return Task.FromResult(ApiResponse.RawJson(page));
            }
        }

        var (chat, messages) = chats.History(context.User.User, context.Route("uri"), limit is > int.MaxValue ? int.MaxValue : (int?)limit, before, after, errors);
        var response = new MessageHistoryResponse(chat.Id, chat.Uri, messages.Select(m => m.ToDto()).ToList());
        return Task.FromResult(ApiResponse.Json(response, ApiJsonContext.Wire.MessageHistoryResponse));
    }

    public async Task<ApiResponse> Post(RequestContext context)
    {
        var body = context.Body;
        var errors = new FieldErrors();
        var text = body.String("message", errors, required: true);
        var clientId = body.String("client_id", errors);
        var user = context.User.User;
        var chat = chats.FindForMember(context.Route("uri"), user);
        ChatService.Validate(text, clientId, errors);
        var result = await chats.PostAsync(chat, user, text!, clientId).ConfigureAwait(false);
        return ApiResponse.Json(result.Message.ToPostedResponse(), ApiJsonContext.Wire.MessagePostedResponse);
    }

    private static long? IntegerParameter(RequestContext context, string name, FieldErrors errors)
    {
        if (!context.Query.TryGetValue(name, out var raw))
        {
            return null;
        }

        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(name, "A valid integer is required.");
        return null;
    }
}
