namespace Chatire.Core;

/// <summary>A stored account. <see cref="PasswordHash"/> never leaves the server. <see cref="Bio"/> and
/// <see cref="Image"/> are Conduit's profile fields, "" until set.</summary>
public sealed record User(
    long Id,
    string Username,
    string Email,
    string FirstName,
    string LastName,
    string PasswordHash,
    bool IsActive,
    bool IsStaff,
    string DateJoined,
    string? LastLogin,
    string Bio = "",
    string Image = "");
