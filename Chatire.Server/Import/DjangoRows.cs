namespace Chatire.Import;

/// <summary>A row of <c>auth_user</c>; times as Django stored them.</summary>
public sealed record DjangoUser(long Id, string Username, string Email, string FirstName, string LastName, string Password,
    bool IsActive, bool IsStaff, string? DateJoined, string? LastLogin);

/// <summary>A row of <c>chat_chatsession</c>.</summary>
public sealed record DjangoChat(long Id, string Uri, long OwnerId, string? Created);

/// <summary>A row of <c>chat_chatsessionmember</c>.</summary>
public sealed record DjangoMember(long Id, long ChatId, long UserId, string? Created);

/// <summary>A row of <c>chat_chatsessionmessage</c>. <see cref="ValidUtf8"/> is false when the stored
/// bytes were not UTF-8 (the invalid sequences became U+FFFD in <see cref="Text"/>).</summary>
public sealed record DjangoMessage(long Id, long ChatId, long UserId, string Text, bool ValidUtf8, string? Created);

/// <summary>A row of <c>authtoken_token</c> (DRF): the key is the token itself.</summary>
public sealed record DjangoToken(string Key, long UserId, string? Created);
