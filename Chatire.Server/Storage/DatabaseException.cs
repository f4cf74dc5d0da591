namespace Chatire.Storage;

/// <summary>The database cannot be opened or used; the message is a sentence for the operator.</summary>
public sealed class DatabaseException(string message, Exception? inner = null) : Exception(message, inner);
