using Chatire.Core;

namespace Chatire.Storage;

/// <summary>The rows an import writes into a database, in the order it writes them. Every call runs
/// inside the one transaction of <see cref="IImportTarget.RunAsync"/>.</summary>
public interface IImportWriter
{
    /// <summary>Why the database cannot take an import (it already holds users or chats), or null when it is empty.</summary>
    string? RefusalReason();

    void AddUser(User user);

    /// <summary>Adds the chat and its owner as its first member.</summary>
    void AddChat(ImportedChat chat);

    void AddMember(long chatId, long userId, string joined);

    /// <summary>Adds a message under the next message id.</summary>
    void AddMessage(long chatId, long userId, string text, string created);

    /// <summary>Moves the chat's activity time forward to <paramref name="time"/>.</summary>
    void SetLastActivity(long chatId, string time);

    void AddAuthToken(long userId, byte[] hash, string label, DateTimeOffset created, DateTimeOffset expires);
}

/// <summary>Where an import goes: runs it all or nothing.</summary>
public interface IImportTarget
{
    /// <summary>Runs <paramref name="import"/> in one transaction: committed when it returns, rolled back
    /// (nothing written) when it throws.</summary>
    Task RunAsync(Action<IImportWriter> import);
}
