namespace Chatire.Core;

/// <summary>A stored token: never its value, only its hash and what the hash stands for.</summary>
public sealed record TokenRecord(
    long Id,
    byte[] Hash,
    TokenKind Kind,
    long UserId,
    string? Family,
    string? Label,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    DateTimeOffset? FamilyExpires,
    DateTimeOffset? Revoked);
