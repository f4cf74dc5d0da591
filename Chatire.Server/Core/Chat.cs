namespace Chatire.Core;

/// <summary>A chat; <see cref="Name"/> is "" when it has none.</summary>
public sealed record Chat(long Id, string Uri, long OwnerId, string Created, string Name = "");

/// <summary>A stored message. <see cref="Edited"/> is the time of its last edit (null if never edited); a
/// deleted message keeps its id, author and time as a tombstone with empty text.</summary>
public sealed record ChatMessage(long Id, long ChatId, string Uri, long UserId, string Text, string Created, string? ClientId, string? Edited = null, bool Deleted = false);
