using System.Collections.Concurrent;
using System.Data.Common;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>
/// Announces each chat's messages in id order, after they commit. The database writer runs writes one
/// at a time, so a message's slot is reserved (inside its write) in id order; a commit completes the
/// slot, and the completed prefix of the queue is announced. A write that fails cancels its slot.
/// </summary>
public sealed class MessageSequencer : IMessageAnnouncer
{
    private IChatEvents _events = NoChatEvents.Instance;

    public void Subscribe(IChatEvents events) => _events = events;

    private readonly ConcurrentDictionary<long, ChatQueue> _chats = new();

    public void Stored(DbConnection connection, AuthoredMessage message) => Reserve(message.Message.ChatId, message.Message.Id);

    public void Failed(long chatId, long id) => Cancel(chatId, id);

    public Task Committed(AuthoredMessage message) => Complete(message);

    /// <summary>Called inside the write that inserted message <paramref name="id"/> (on the writer thread).</summary>
    public void Reserve(long chatId, long id)
    {
        var queue = _chats.GetOrAdd(chatId, _ => new ChatQueue());
        lock (queue)
        {
            queue.Slots.Enqueue(new Slot(id));
        }
    }

    /// <summary>The message committed; completes when it (and every earlier one of its chat) has been announced.</summary>
    public Task Complete(AuthoredMessage message) => Settle(message.Message.ChatId, message.Message.Id, message);

    /// <summary>The write holding <paramref name="id"/> failed; later messages no longer wait for it.</summary>
    public void Cancel(long chatId, long id) => _ = Settle(chatId, id, null);

    private Task Settle(long chatId, long id, AuthoredMessage? message)
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
                        _events.MessagePublished(head.Message);
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

    private sealed class ChatQueue
    {
        public Queue<Slot> Slots { get; } = new();
    }

    private sealed class Slot(long id)
    {
        public long Id { get; } = id;
        public AuthoredMessage? Message { get; set; }
        public bool Settled { get; set; }
        public TaskCompletionSource Announced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
