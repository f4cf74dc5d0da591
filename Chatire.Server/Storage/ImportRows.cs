namespace Chatire.Storage;

/// <summary>A user as an import stores it: its id, its password hash and its flags as they were.</summary>
public sealed record ImportedUser(
    long Id,
    string Username,
    string Email,
    string FirstName,
    string LastName,
    string PasswordHash,
    bool IsActive,
    bool IsStaff,
    string DateJoined,
    string? LastLogin);

/// <summary>A chat as an import stores it, under its id and its existing uri.</summary>
public sealed record ImportedChat(long Id, string Uri, long OwnerId, string Created);
