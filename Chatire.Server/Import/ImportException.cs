namespace Chatire.Import;

/// <summary>An import cannot start or cannot finish; the message is one sentence for the operator.
/// Nothing has been written when it is thrown.</summary>
public sealed class ImportException(string message, Exception? inner = null) : Exception(message, inner);
