using System.Text;
using Chatire.Core;

namespace Chatire.Auth;

/// <summary>The username, password and email rules of the API, shared by the HTTP handlers and the CLI.</summary>
public static class AccountRules
{
    public const int MaxUsernameLength = 150;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static IEnumerable<string> UsernameProblems(string username)
    {
        if (username.Length == 0)
        {
            yield return "This field may not be blank.";
            yield break;
        }

        if (username.Length > MaxUsernameLength)
        {
            yield return $"Ensure this field has no more than {MaxUsernameLength} characters.";
        }

        if (!IsValidUsername(username))
        {
            yield return "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";
        }
    }

    private static bool IsValidUsername(string username)
    {
        foreach (var rune in username.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || rune.Value is '@' or '.' or '+' or '-' or '_')
            {
                continue;
            }

            return false;
        }

        return true;
    }

    public static IEnumerable<string> PasswordProblems(string password, string? username)
    {
        var codePoints = CountCodePoints(password);
        if (codePoints < MinPasswordLength)
        {
            yield return $"This password is too short. It must contain at least {MinPasswordLength} characters.";
        }

        if (codePoints > MaxPasswordLength)
        {
            yield return $"This password is too long. It must contain at most {MaxPasswordLength} characters.";
        }

        if (password.Length > 0 && password.All(char.IsAsciiDigit))
        {
            yield return "This password is entirely numeric.";
        }

        if (!string.IsNullOrEmpty(username) && password.Length > 0)
        {
            var p = password.ToLowerInvariant();
            var u = username.ToLowerInvariant();
            if (u.Contains(p, StringComparison.Ordinal))
            {
                yield return "The password is too similar to the username.";
            }
        }
    }

    public static int CountCodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    public static bool IsValidEmail(string email)
    {
        if (email.Length > 254 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return false;
        }

        var local = email[..at];
        var domain = email[(at + 1)..];
        if (local.Contains('@') || local.StartsWith('.') || local.EndsWith('.') || local.Contains(".."))
        {
            return false;
        }

        if (domain.StartsWith('[') && domain.EndsWith(']'))
        {
            return System.Net.IPAddress.TryParse(domain[1..^1], out _);
        }

        var labels = domain.Split('.');
        return labels.Length >= 2
            && labels.All(label => label.Length is > 0 and <= 63 && !label.StartsWith('-') && !label.EndsWith('-') && label.All(c => char.IsLetterOrDigit(c) || c == '-'))
            && !labels[^1].All(char.IsAsciiDigit);
    }

    /// <summary>Validates a new account's fields, adding messages under the given field names.</summary>
    public static void ValidateNewAccount(FieldErrors errors, string username, string password, string email, string passwordField = "password")
    {
        foreach (var problem in UsernameProblems(username))
        {
            errors.Add("username", problem);
        }

        ValidatePassword(errors, password, username, passwordField);
        ValidateEmail(errors, email);
    }

    public static void ValidatePassword(FieldErrors errors, string password, string? username, string field)
    {
        foreach (var problem in PasswordProblems(password, username))
        {
            errors.Add(field, problem);
        }
    }

    /// <summary>First and last names: at most 150 characters, as Django's user model.</summary>
    public static void ValidateName(FieldErrors errors, string field, string value)
    {
        if (value.Length > MaxUsernameLength)
        {
            errors.Add(field, $"Ensure this field has no more than {MaxUsernameLength} characters.");
        }
    }

    public const int MaxBioLength = 1000;

    /// <summary>Conduit's bio: 0–1000 code points.</summary>
    public static void ValidateBio(FieldErrors errors, string bio)
    {
        if (CountCodePoints(bio) > MaxBioLength)
        {
            errors.Add("bio", $"Ensure this field has no more than {MaxBioLength} characters.");
        }
    }

    /// <summary>Conduit's image: an absolute http(s) URL, or "" for none.</summary>
    public static void ValidateImage(FieldErrors errors, string image)
    {
        if (image.Length == 0)
        {
            return;
        }

        if (image.Length > 2000 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !Uri.TryCreate(image, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            errors.Add("image", "Enter a valid URL.");
        }
    }

    public static void ValidateEmail(FieldErrors errors, string email)
    {
        if (email.Length > 0 && !IsValidEmail(email))
        {
            errors.Add("email", "Enter a valid email address.");
        }
    }
}
