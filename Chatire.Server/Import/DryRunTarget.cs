using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Import;

/// <summary>A target that takes every row and keeps none (<c>--dry-run</c>). It refuses exactly when
/// the real target would, given why (or null when it would not).</summary>
public sealed class DryRunTarget(string? refusal) : IImportTarget
{
    public Task RunAsync(Action<IImportWriter> import) => Task.Run(() => import(new Writer(refusal)));

    private sealed class Writer(string? refusal) : IImportWriter
    {
        public string? RefusalReason() => refusal;

        public void AddUser(User user)
        {
        }

        public void AddChat(ImportedChat chat)
        {
        }

        public void AddMember(long chatId, long userId, string joined)
        {
        }

        public void AddMessage(long chatId, long userId, string text, string created)
        {
        }

        public void SetLastActivity(long chatId, string time)
        {
        }

        public void AddAuthToken(long userId, byte[] hash, string label, DateTimeOffset created, DateTimeOffset expires)
        {
        }
    }
}
