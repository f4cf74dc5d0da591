using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Auth;

/// <summary>Account operations shared by the HTTP API and the CLI, with the same rules for both.
/// The server passes its <see cref="PasswordWorkers"/> so hashing stays off the request threads.</summary>
public sealed class AccountService(UserStore users, TokenService tokens, PasswordHasher hasher, IClock clock, PasswordWorkers? workers = null)
{
    private Task<string> HashAsync(string password) =>
        workers is null ? Task.Run(() => hasher.Hash(password)) : workers.RunAsync(() => hasher.Hash(password));

    /// <summary>Validates and creates an account.</summary>
    /// <exception cref="ValidationException">A rule failed, or the username is taken.</exception>
    public async Task<User> CreateAsync(string username, string password, string email = "", string firstName = "", string lastName = "", bool isStaff = false, string passwordField = "password")
    {
        var errors = new FieldErrors();
        AccountRules.ValidateNewAccount(errors, username, password, email, passwordField);
        AccountRules.ValidateName(errors, "first_name", firstName);
        AccountRules.ValidateName(errors, "last_name", lastName);
        if (!errors.Has("username") && users.FindByUsername(username) is not null)
        {
            errors.Add("username", "A user with that username already exists.");
        }

        errors.ThrowIfAny();
        var hash = await HashAsync(password).ConfigureAwait(false);
        var user = await users.CreateAsync(username, hash, email, firstName, lastName, isStaff, Timestamps.ToText(clock.UtcNow)).ConfigureAwait(false);
        return user ?? throw new ValidationException("username", "A user with that username already exists.");
    }

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
