using System.Security.Cryptography;
using System.Text;
using Chatire.Core;
using Chatire.Storage;
using Serilog;

namespace Chatire.Auth;

/// <summary>
/// Checks a username and password for every login path. Unknown users, wrong passwords and inactive
/// users get the same answer after the same work (unknown users are checked against a dummy hash).
/// Throttled callers are refused before any password is checked. Hashing runs on <see cref="PasswordWorkers"/>.
/// </summary>
public sealed class LoginService(UserStore users, TokenService tokens, PasswordHasher hasher, PasswordWorkers workers, LoginThrottle throttle, IClock clock, ILogger log)
{
    public const string InvalidCredentials = "Unable to log in with provided credentials.";

    // A hash no password matches, with the configured cost, so an unknown user costs one real PBKDF2 run.
    private readonly string _dummyHash =
        $"pbkdf2_sha256${hasher.Iterations}${Convert.ToHexString(RandomNumberGenerator.GetBytes(11))}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";

    /// <summary>The user when the credentials are right and the account active.</summary>
    /// <exception cref="ApiException">429 when throttled; 400 non_field_errors otherwise.</exception>
    public async Task<User> LoginAsync(string username, string password, string clientAddress)
    {
        if (throttle.RetryAfter(username, clientAddress) is { } seconds)
        {
            throw ApiException.Throttled(seconds);
        }

        var user = users.FindByUsername(username);
        var hash = user?.PasswordHash ?? _dummyHash;
        var matches = await workers.RunAsync(() => PasswordHasher.Verify(password, hash)).ConfigureAwait(false);
        if (user is null || !matches || !user.IsActive)
        {
            await throttle.RecordFailureAsync(username, clientAddress).ConfigureAwait(false);
            log.Warning("Failed login for user {Username} from {Client}", ForLog(username), clientAddress);
            throw new ValidationException("non_field_errors", InvalidCredentials);
        }

        var now = Timestamps.ToText(clock.UtcNow);
        if (hasher.NeedsUpgrade(user.PasswordHash))
        {
            var upgraded = await workers.RunAsync(() => hasher.Hash(password)).ConfigureAwait(false);
            await users.UpdatePasswordAsync(user.Id, upgraded).ConfigureAwait(false);
            tokens.InvalidateCache();
        }

        await users.SetLastLoginAsync(user.Id, now).ConfigureAwait(false);
        return user with { LastLogin = now };
    }

    /// <summary>Checks the password of a known user (current_password), on the password threads.</summary>
    public Task<bool> CheckPasswordAsync(User user, string password) =>
        workers.RunAsync(() => PasswordHasher.Verify(password, user.PasswordHash));

    /// <summary>A user name as typed, made safe for one log line (no control characters, bounded).</summary>
    public static string ForLog(string username)
    {
        var builder = new StringBuilder(Math.Min(username.Length, 160));
        foreach (var c in username.Length > 160 ? username[..160] : username)
        {
            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c);
        }

        return builder.ToString();
    }
}
