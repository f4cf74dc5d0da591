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
        _ = context.Body;
        var chat = await chats.CreateAsync(context.User.User).ConfigureAwait(false);
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

    public async Task<ApiResponse> Join(RequestContext context)
    {
        var body = context.Body;
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
