using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Chat;

public sealed partial class ChatService
{
    /// <summary>Drops the cached chat and membership lookups a chat change makes stale — the changes this node
    /// makes and those heard from other nodes alike, so a removal is refused everywhere at once.</summary>
    private sealed class LookupInvalidation(ChatService owner) : IChatEvents
    {
        public void ChatChanged(ChatChange change)
        {
            switch (change.Kind)
            {
                case ChatChangeKind.Renamed:
                    owner._chatsByUri.Remove(change.Chat.Uri);
                    break;
                case ChatChangeKind.MemberRemoved:
                    owner._members.Remove((change.Chat.Id, change.Member!.Id));
                    break;
                case ChatChangeKind.Deleted:
                    owner._chatsByUri.Remove(change.Chat.Uri);
                    owner._members.Clear();
                    break;
            }
        }

        public void MessagePublished(AuthoredMessage message)
        {
        }

        public void MessageChanged(TimelineEntry change)
        {
        }

        public void ReadMoved(ReadMarker marker)
        {
        }

        public void Typing(long chatId, User user)
        {
        }
    }
}
