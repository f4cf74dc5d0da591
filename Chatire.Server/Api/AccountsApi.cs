using Chatire.Api.Wire;
using Chatire.Auth;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Http;
using Chatire.Storage;

namespace Chatire.Api;

/// <summary>djoser's account endpoints (register, me, set_password) and the taxi app's sign-up.</summary>
public sealed class AccountsApi(ChatireSettings settings, AccountService accounts, UserStore users, TokenService tokens, LoginService logins)
{
    public const string PasswordMismatch = "The two password fields didn't match.";
    public const string InvalidPassword = "Invalid password.";
    public const string PasswordsMustMatch = "Passwords must match.";

    /// <summary>POST /auth/users/: 201 with the new user.</summary>
    public async Task<ApiResponse> Register(RequestContext context)
    {
        var body = context.Body;
        if (!settings.RegistrationOpen)
        {
            throw ApiException.Forbidden("Registration is closed.");
        }

        var errors = new FieldErrors();
        var username = body.String("username", errors, required: true);
        var password = body.String("password", errors, required: true);
        var email = body.String("email", errors) ?? "";
        var firstName = body.String("first_name", errors) ?? "";
        var lastName = body.String("last_name", errors) ?? "";
        var rePassword = body.String("re_password", errors);
        errors.ThrowIfAny();

        if (rePassword is not null && rePassword != password)
        {
            throw new ValidationException("non_field_errors", PasswordMismatch);
        }

        var user = await accounts.CreateAsync(username!, password!, email, firstName, lastName).ConfigureAwait(false);
        return ApiResponse.Json(UserDto.From(user), ApiJsonContext.Wire.UserDto, 201);
    }

    /// <summary>POST /api/sign_up/ (the taxi app): password1 and password2 must match; 201 with the taxi app's user fields.</summary>
    public async Task<ApiResponse> TaxiSignUp(RequestContext context)
    {
        var body = context.Body;
        if (!settings.RegistrationOpen)
        {
            throw ApiException.Forbidden("Registration is closed.");
        }

        var errors = new FieldErrors();
        var username = body.String("username", errors, required: true);
        var password1 = body.String("password1", errors, required: true);
        var password2 = body.String("password2", errors, required: true);
        var firstName = body.String("first_name", errors) ?? "";
        var lastName = body.String("last_name", errors) ?? "";
        errors.ThrowIfAny();

        if (password1 != password2)
        {
            throw new ValidationException("non_field_errors", PasswordsMustMatch);
        }

        var user = await accounts.CreateAsync(username!, password1!, "", firstName, lastName, passwordField: "password1").ConfigureAwait(false);
        return ApiResponse.Json(TaxiUserDto.From(user), ApiJsonContext.Wire.TaxiUserDto, 201);
    }

    /// <summary>GET, PUT, PATCH /auth/users/me/: the caller; PUT and PATCH change email and names.</summary>
    public async Task<ApiResponse> Me(RequestContext context)
    {
        var user = context.User.User;
        if (context.Method is "GET" or "HEAD")
        {
            return ApiResponse.Json(UserDto.From(user), ApiJsonContext.Wire.UserDto);
        }

        var body = context.Body;
        var errors = new FieldErrors();
        var email = body.String("email", errors) ?? user.Email;
        var firstName = body.String("first_name", errors) ?? user.FirstName;
        var lastName = body.String("last_name", errors) ?? user.LastName;
        AccountRules.ValidateEmail(errors, email);
        AccountRules.ValidateName(errors, "first_name", firstName);
        AccountRules.ValidateName(errors, "last_name", lastName);
        errors.ThrowIfAny();

        await users.UpdateProfileAsync(user.Id, email, firstName, lastName).ConfigureAwait(false);
        tokens.InvalidateCache();
        var updated = user with { Email = email, FirstName = firstName, LastName = lastName };
        return ApiResponse.Json(UserDto.From(updated), ApiJsonContext.Wire.UserDto);
    }

    /// <summary>DELETE /auth/users/me/: deactivates the account after checking current_password.</summary>
    public async Task<ApiResponse> DeleteMe(RequestContext context)
    {
        var user = context.User.User;
        var errors = new FieldErrors();
        var current = context.Body.String("current_password", errors, required: true);
        errors.ThrowIfAny();
        await RequireCurrentPasswordAsync(user, current!).ConfigureAwait(false);
        await accounts.DeactivateAsync(user).ConfigureAwait(false);
        return ApiResponse.NoContent;
    }

    /// <summary>POST /auth/users/set_password/: 204; every other token of the user is revoked.</summary>
    public async Task<ApiResponse> SetPassword(RequestContext context)
    {
        var principal = context.User;
        var body = context.Body;
        var errors = new FieldErrors();
        var current = body.String("current_password", errors, required: true);
        var newPassword = body.String("new_password", errors, required: true);
        var reNewPassword = body.String("re_new_password", errors);
        errors.ThrowIfAny();

        await RequireCurrentPasswordAsync(principal.User, current!).ConfigureAwait(false);
        var rules = new FieldErrors();
        AccountRules.ValidatePassword(rules, newPassword!, principal.User.Username, "new_password");
        rules.ThrowIfAny();
        if (reNewPassword is not null && reNewPassword != newPassword)
        {
            throw new ValidationException("non_field_errors", PasswordMismatch);
        }

        await accounts.SetPasswordAsync(principal.User, newPassword!).ConfigureAwait(false);
        await tokens.RevokeOthersAsync(principal.User.Id, principal.Token).ConfigureAwait(false);
        return ApiResponse.NoContent;
    }

    private async Task RequireCurrentPasswordAsync(User user, string password)
    {
        // The cached principal may predate a password change made a moment ago: check the stored hash.
        var fresh = users.FindById(user.Id) ?? throw ApiException.TokenNotValid("User not found");
        if (!await logins.CheckPasswordAsync(fresh, password).ConfigureAwait(false))
        {
            throw new ValidationException("current_password", InvalidPassword);
        }
    }
}
