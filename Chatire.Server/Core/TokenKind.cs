namespace Chatire.Core;

public enum TokenKind
{
    /// <summary>djoser's token: long-lived, no family, not refreshable.</summary>
    AuthToken,
    /// <summary>Short-lived access token of a family.</summary>
    Access,
    /// <summary>Refresh token of a family, rotated on use.</summary>
    Refresh,
}

public static class TokenKindNames
{
    public static string ToText(this TokenKind kind) => kind switch
    {
        TokenKind.AuthToken => "auth_token",
        TokenKind.Access => "access",
        _ => "refresh",
    };

    public static TokenKind Parse(string text) => text switch
    {
        "auth_token" => TokenKind.AuthToken,
        "access" => TokenKind.Access,
        "refresh" => TokenKind.Refresh,
        _ => throw new InvalidDataException($"Unknown token kind '{text}'."),
    };
}
