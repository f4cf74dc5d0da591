namespace Chatire.Core;

public sealed record Chat(long Id, string Uri, long OwnerId, string Created);

public sealed record ChatMessage(long Id, long ChatId, string Uri, long UserId, string Text, string Created, string? ClientId);
