using Chatire.Core;

namespace Chatire.Chat;

/// <summary>What a message and its client_id must look like.</summary>
public static class MessageRules
{
    public const int MaxCodePoints = 2000;
    public const int MaxClientIdLength = 64;

    public static void ValidateText(FieldErrors errors, string? text)
    {
        if (text is null)
        {
            return;
        }

        if (text.Length == 0)
        {
            errors.Add("message", "This field may not be blank.");
            return;
        }

        if (HasLoneSurrogate(text))
        {
            errors.Add("message", "The text holds an unpaired surrogate code point.");
            return;
        }

        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        if (count > MaxCodePoints)
        {
            errors.Add("message", $"Ensure this field has no more than {MaxCodePoints} characters.");
        }
    }

    public static void ValidateClientId(FieldErrors errors, string? clientId)
    {
        if (clientId is null)
        {
            return;
        }

        if (clientId.Length is 0 or > MaxClientIdLength)
        {
            errors.Add("client_id", $"Ensure this field has 1 to {MaxClientIdLength} characters.");
        }
        else if (clientId.Any(c => c is < ' ' or > '~'))
        {
            errors.Add("client_id", "Only printable ASCII characters (0x20-0x7E) are allowed.");
        }
    }

    /// <summary>True when <paramref name="text"/> holds a lone surrogate (cannot be stored as UTF-8).</summary>
    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
