namespace Chatire.Storage;

/// <summary>A chat as an import stores it, under its id and its existing uri.</summary>
public sealed record ImportedChat(long Id, string Uri, long OwnerId, string Created);
