using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Auth;

/// <summary>Account operations shared by the HTTP API and the CLI, with the same rules for both.
/// The server passes its <see cref="PasswordWorkers"/> so hashing stays off the request threads.</summary>
public sealed class AccountService(UserStore users, TokenService tokens, PasswordHasher hasher, IClock clock, PasswordWorkers? workers = null)
{
    private Task<string> HashAsync(string password) =>
        workers is null ? Task.Run(() => hasher.Hash(password)) : workers.RunAsync(() => hasher.Hash(password));

    public const string UsernameTaken = "A user with that username already exists.";
    public const string EmailTaken = "A user with that email already exists.";

    /// <summary>Validates and creates an account. With <paramref name="uniqueEmail"/> (Conduit's paths) an
    /// email another user has is refused too.</summary>
    /// <exception cref="ValidationException">A rule failed, or the username (or email) is taken.</exception>
    public async Task<User> CreateAsync(string username, string password, string email = "", string firstName = "", string lastName = "", bool isStaff = false, string passwordField = "password", bool uniqueEmail = false)
    {
        var errors = new FieldErrors();
        AccountRules.ValidateNewAccount(errors, username, password, email, passwordField);
        AccountRules.ValidateName(errors, "first_name", firstName);
        AccountRules.ValidateName(errors, "last_name", lastName);
        if (!errors.Has("username") && users.FindByUsername(username) is not null)
        {
            errors.Add("username", UsernameTaken);
        }

        if (uniqueEmail && !errors.Has("email") && email.Length > 0 && users.FindByEmail(email).Count > 0)
        {
            errors.Add("email", EmailTaken);
        }

        errors.ThrowIfAny();
        var hash = await HashAsync(password).ConfigureAwait(false);
        var user = await users.CreateAsync(username, hash, email, firstName, lastName, isStaff, Timestamps.ToText(clock.UtcNow), uniqueEmail).ConfigureAwait(false);
        return user ?? throw TakenError(username);
    }

    /// <summary>Stores a changed username, email, bio or image, and a new password when one is given (Conduit's
    /// /api/user/). Does not revoke tokens.</summary>
    /// <exception cref="ValidationException">A rule failed, or the username or email is another user's.</exception>
    public async Task<User> UpdateAccountAsync(User changed, string? newPassword, bool uniqueEmail)
    {
        var errors = new FieldErrors();
        foreach (var problem in AccountRules.UsernameProblems(changed.Username))
        {
            errors.Add("username", problem);
        }

        AccountRules.ValidateEmail(errors, changed.Email);
        AccountRules.ValidateBio(errors, changed.Bio);
        AccountRules.ValidateImage(errors, changed.Image);
        if (newPassword is not null)
        {
            AccountRules.ValidatePassword(errors, newPassword, changed.Username, "password");
        }

        if (!errors.Has("username") && users.FindByUsername(changed.Username) is { } owner && owner.Id != changed.Id)
        {
            errors.Add("username", UsernameTaken);
        }

        if (uniqueEmail && !errors.Has("email") && users.FindByEmail(changed.Email).Any(u => u.Id != changed.Id))
        {
            errors.Add("email", EmailTaken);
        }

        errors.ThrowIfAny();
        if (!await users.UpdateAccountAsync(changed, uniqueEmail).ConfigureAwait(false))
        {
            throw TakenError(changed.Username, changed.Id);
        }

        var updated = changed;
        if (newPassword is not null)
        {
            var hash = await HashAsync(newPassword).ConfigureAwait(false);
            await users.UpdatePasswordAsync(changed.Id, hash).ConfigureAwait(false);
            updated = changed with { PasswordHash = hash };
        }

        tokens.InvalidateCache();
        return updated;
    }

    /// <summary>A concurrent request took the username or the email between the check and the write.</summary>
    private ValidationException TakenError(string username, long? exceptId = null) =>
        users.FindByUsername(username) is { } owner && owner.Id != exceptId
            ? new ValidationException("username", UsernameTaken)
            : new ValidationException("email", EmailTaken);

    /// <summary>Sets a new password after checking the rules; does not revoke tokens.</summary>
    public async Task SetPasswordAsync(User user, string newPassword, string field = "new_password")
    {
        var errors = new FieldErrors();
        AccountRules.ValidatePassword(errors, newPassword, user.Username, field);
        errors.ThrowIfAny();
        var hash = await HashAsync(newPassword).ConfigureAwait(false);
        await users.UpdatePasswordAsync(user.Id, hash).ConfigureAwait(false);
        tokens.InvalidateCache();
    }

    /// <summary>Deactivates: the account stays (its messages keep their author); tokens are revoked, sockets closed.</summary>
    public async Task DeactivateAsync(User user)
    {
        await users.SetActiveAsync(user.Id, false).ConfigureAwait(false);
        await tokens.RevokeAllAsync(user.Id).ConfigureAwait(false);
        tokens.NotifyDeactivated(user.Id);
    }

    public async Task ActivateAsync(User user)
    {
        await users.SetActiveAsync(user.Id, true).ConfigureAwait(false);
        tokens.InvalidateCache();
    }

    /// <summary>Deletes the account and everything it owns (its chats and messages too).</summary>
    public async Task DeleteAsync(User user)
    {
        tokens.NotifyDeactivated(user.Id);
        await users.DeleteAsync(user.Id).ConfigureAwait(false);
        tokens.InvalidateCache();
    }
}
