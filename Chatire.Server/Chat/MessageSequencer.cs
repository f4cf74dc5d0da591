using System.Collections.Concurrent;
using System.Data.Common;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>
/// Announces each chat's timeline (messages, edits, deletes) in position order, after it commits. Writes
/// that add to a chat's timeline run one at a time per chat, so an entry's slot is reserved (inside its
/// write) in position order; a commit completes the slot, and the completed prefix of the queue is
/// announced. A write that fails cancels its slot.
/// </summary>
public sealed class MessageSequencer : IMessageAnnouncer
{
    private IChatEvents _events = NoChatEvents.Instance;

    public void Subscribe(IChatEvents events) => _events = events;

    private readonly ConcurrentDictionary<long, ChatQueue> _chats = new();

    public void Stored(DbConnection connection, TimelineEntry entry) => Reserve(entry.ChatId, entry.Position);

    public void Failed(long chatId, long position) => Cancel(chatId, position);

    public Task Committed(TimelineEntry entry) => Complete(entry);

    /// <summary>Called inside the write that stored the entry at <paramref name="id"/> (on the writer thread).</summary>
    public void Reserve(long chatId, long id)
    {
        var queue = _chats.GetOrAdd(chatId, _ => new ChatQueue());
        lock (queue)
        {
            queue.Slots.Enqueue(new Slot(id));
        }
    }

    /// <summary>The entry committed; completes when it (and every earlier one of its chat) has been announced.</summary>
    public Task Complete(TimelineEntry entry) => Settle(entry.ChatId, entry.Position, entry);

    /// <summary>The write holding <paramref name="id"/> failed; later messages no longer wait for it.</summary>
    public void Cancel(long chatId, long id) => _ = Settle(chatId, id, null);

    private Task Settle(long chatId, long id, TimelineEntry? message)
    {
        if (!_chats.TryGetValue(chatId, out var queue))
        {
            return Task.CompletedTask;
        }

        lock (queue)
        {
            Slot? mine = null;
            foreach (var slot in queue.Slots)
            {
                if (slot.Id == id)
                {
                    mine = slot;
                    break;
                }
            }

            if (mine is null)
            {
                return Task.CompletedTask;
            }

            mine.Message = message;
            mine.Settled = true;
            while (queue.Slots.TryPeek(out var head) && head.Settled)
            {
                queue.Slots.Dequeue();
                if (head.Message is not null)
                {
                    try
                    {
                        Announce(head.Message);
                    }
                    finally
                    {
                        head.Announced.TrySetResult();
                    }
                }
                else
                {
                    head.Announced.TrySetResult();
                }
            }

            return mine.Announced.Task;
        }
    }

    private void Announce(TimelineEntry entry)
    {
        if (entry.Kind == TimelineKind.Message)
        {
            _events.MessagePublished(entry.Message);
        }
        else
        {
            _events.MessageChanged(entry);
        }
    }

    private sealed class ChatQueue
    {
        public Queue<Slot> Slots { get; } = new();
    }

    private sealed class Slot(long id)
    {
        public long Id { get; } = id;
        public TimelineEntry? Message { get; set; }
        public bool Settled { get; set; }
        public TaskCompletionSource Announced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
