using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Chat;

/// <summary>A chat as the API shows it: owner, members (owner first, then join order), newest message that
/// is not deleted, and, for one reader, their read marker and unread count (null where no reader is meant:
/// a chat socket's frame).</summary>
public sealed record ChatView(Core.Chat Chat, User Owner, IReadOnlyList<User> Members, AuthoredMessage? LastMessage, long? LastRead = null, int? Unread = null);

/// <summary>The result of a join: the members after it and the user who joined.</summary>
public sealed record JoinResult(IReadOnlyList<User> Members, User Joined);

/// <summary>The result of a post: the stored message, and whether this call stored it (false for an idempotent repeat).</summary>
public sealed record PostResult(AuthoredMessage Message, bool Created);
