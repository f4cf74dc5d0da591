using Chatire.Api.Wire;
using Chatire.Auth;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Http;

namespace Chatire.Api;

/// <summary>
/// Conduit's user API (RealWorld): <c>{"user": {...}}</c> envelopes, login by email, the access token in
/// <c>user.token</c>. Emails are required and unique here. The routes answer 400s in Conduit's
/// <c>{"errors": ...}</c> shape (see <see cref="ErrorStyle.Conduit"/>).
/// </summary>
public sealed class ConduitApi(ChatireSettings settings, AccountService accounts, LoginService logins, TokenService tokens)
{
    public const string InvalidCredentials = "A user with this email and password was not found.";

    /// <summary>POST /api/users/: 201 {"user"} with an access token of a new family.</summary>
    public async Task<ApiResponse> Register(RequestContext context)
    {
        if (!settings.RegistrationOpen)
        {
            throw ApiException.Forbidden("Registration is closed.");
        }

        var errors = new FieldErrors();
        var user = context.Body.Object("user", errors);
        errors.ThrowIfAny();
        var username = user!.String("username", errors, required: true);
        var email = NotBlank(user, "email", errors, required: true);
        var password = user.String("password", errors, required: true);
        errors.ThrowIfAny();

        var created = await accounts.CreateAsync(username!, password!, email!, uniqueEmail: true).ConfigureAwait(false);
        return await AnswerWithNewTokenAsync(created, 201).ConfigureAwait(false);
    }

    /// <summary>POST /api/users/login/: 200 {"user"}; a failure reads as Conduit's "not found" under errors.error.</summary>
    public async Task<ApiResponse> Login(RequestContext context)
    {
        var errors = new FieldErrors();
        var user = context.Body.Object("user", errors);
        errors.ThrowIfAny();
        var email = NotBlank(user!, "email", errors, required: true);
        var password = NotBlank(user!, "password", errors, required: true);
        errors.ThrowIfAny();

        var found = await logins.LoginByEmailAsync(email!, password!, context.ClientAddress.ToString(), InvalidCredentials).ConfigureAwait(false);
        return await AnswerWithNewTokenAsync(found, 200).ConfigureAwait(false);
    }

    /// <summary>GET, PUT, PATCH /api/user/: the caller, answered with the token it was called with. PUT and PATCH
    /// change any of email, username, password, bio, image; a new password revokes the user's other tokens.</summary>
    public async Task<ApiResponse> Current(RequestContext context)
    {
        var principal = context.User;
        var token = Credentials.FromHeader(context.Header("Authorization")) ?? "";
        if (context.Method is "GET" or "HEAD")
        {
            return Answer(principal.User, token, 200);
        }

        var errors = new FieldErrors();
        var body = context.Body.Object("user", errors);
        errors.ThrowIfAny();
        var current = principal.User;
        var changed = current with
        {
            Email = NotBlank(body!, "email", errors) ?? current.Email,
            Username = body!.String("username", errors) ?? current.Username,
            Bio = body.String("bio", errors) ?? current.Bio,
            Image = body.String("image", errors) ?? current.Image,
        };
        var password = body.String("password", errors);
        errors.ThrowIfAny();

        // Only a new email must be unique: elsewhere emails may be shared, and such a user can still edit the rest.
        var newEmail = Usernames.Key(changed.Email) != Usernames.Key(current.Email);
        var updated = await accounts.UpdateAccountAsync(changed, password, uniqueEmail: newEmail).ConfigureAwait(false);
        if (password is not null)
        {
            await tokens.RevokeOthersAsync(current.Id, principal.Token).ConfigureAwait(false);
        }

        return Answer(updated, token, 200);
    }

    private async Task<ApiResponse> AnswerWithNewTokenAsync(User user, int status)
    {
        var pair = await tokens.CreatePairAsync(user.Id).ConfigureAwait(false);
        return Answer(user, pair.Access, status);
    }

    private static ApiResponse Answer(User user, string token, int status) =>
        ApiResponse.Json(new ConduitUserResponse(ConduitUserDto.From(user, token)), ApiJsonContext.Wire.ConduitUserResponse, status);

    private static string? NotBlank(RequestBody body, string field, FieldErrors errors, bool required = false)
    {
        var value = body.String(field, errors, required);
        if (value is { Length: 0 })
        {
            errors.Add(field, "This field may not be blank.");
            return null;
        }

        return value;
    }
}
