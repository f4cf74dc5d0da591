using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Cluster;

/// <summary>
/// One notification on the cluster's channel. <c>k</c> says what happened: "m" a message was stored,
/// "e" one was edited, "x" one was deleted (timeline entries: <c>id</c> is the position — the message id
/// or the change's seq — and <c>mid</c> the message; with the message and its author, or only ids when
/// that would pass PostgreSQL's 8000-byte payload limit), "c" a chat changed (<c>ck</c>: created,
/// renamed, added, removed, deleted; <c>u</c> the owner, <c>a</c> the member, <c>text</c> the name),
/// "r" a read marker moved to <c>id</c>, "y" a member is typing, "s" sessions of a user ended (tokens revoked; <c>d</c>: the account was deactivated or
/// deleted), "p" a user's first socket in a chat opened on the sending node (<c>on</c>) or its last
/// closed, "g" the node named by <c>n</c> stopped or was found dead. <c>n</c> is the sending node; <c>t</c> the sender's clock in microseconds since 1970 (for
/// the delivery-lag histogram). The author carries no password hash.
/// </summary>
public sealed record BusEvent(
    [property: JsonPropertyName("k")] string Kind,
    [property: JsonPropertyName("n")] string Node,
    [property: JsonPropertyName("t")] long SentMicros,
    [property: JsonPropertyName("id")] long Id = 0,
    [property: JsonPropertyName("c")] long ChatId = 0,
    [property: JsonPropertyName("u")] long UserId = 0,
    [property: JsonPropertyName("uri")] string? Uri = null,
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("at")] string? Created = null,
    [property: JsonPropertyName("cid")] string? ClientId = null,
    [property: JsonPropertyName("a")] BusAuthor? Author = null,
    [property: JsonPropertyName("d")] bool Deactivated = false,
    [property: JsonPropertyName("on")] bool Online = false,
    [property: JsonPropertyName("mid")] long MessageId = 0,
    [property: JsonPropertyName("ed")] string? Edited = null,
    [property: JsonPropertyName("del")] bool Deleted = false,
    [property: JsonPropertyName("ck")] string? ChangeKind = null)
{
    public const string Message = "m";
    public const string Edit = "e";
    public const string Delete = "x";
    public const string ChatChange = "c";
    public const string Read = "r";
    public const string Typing = "y";
    public const string Sessions = "s";
    public const string Presence = "p";
    public const string NodeGone = "g";

    public static BusEvent Of(TimelineEntry entry, string node, long sent)
    {
        var m = entry.Message;
        var kind = entry.Kind switch { TimelineKind.Message => Message, TimelineKind.Edit => Edit, _ => Delete };
        return new(kind, node, sent, entry.Position, m.Message.ChatId, m.Message.UserId, m.Message.Uri, m.Message.Text, m.Message.Created, m.Message.ClientId,
            BusAuthor.From(m.Author), MessageId: m.Message.Id, Edited: m.Message.Edited, Deleted: m.Message.Deleted);
    }

    /// <summary>Only the ids of a timeline entry (for one too big to travel whole).</summary>
    public static BusEvent IdsOf(TimelineEntry entry, string node, long sent) =>
        new(Of(entry, node, sent).Kind, node, sent, entry.Position, entry.ChatId, MessageId: entry.Message.Message.Id);

    public bool IsTimeline => Kind is Message or Edit or Delete;

    public TimelineKind TimelineKind => Kind switch { Edit => TimelineKind.Edit, Delete => TimelineKind.Delete, _ => TimelineKind.Message };

    /// <summary>The message id of a timeline entry (older senders sent only <c>id</c>, which is it for a new message).</summary>
    public long MessageIdOrId => MessageId != 0 ? MessageId : Id;

    /// <summary>The timeline entry, or null when this notification carries only its ids.</summary>
    public TimelineEntry? ToEntry() => Text is null || Author is null || Uri is null || Created is null
        ? null
        : new TimelineEntry(TimelineKind, Id, new AuthoredMessage(new ChatMessage(MessageIdOrId, ChatId, Uri, UserId, Text, Created, ClientId, Edited, Deleted), Author.ToUser()));
}

public sealed record BusAuthor(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("first_name")] string FirstName,
    [property: JsonPropertyName("last_name")] string LastName,
    [property: JsonPropertyName("active")] bool IsActive,
    [property: JsonPropertyName("staff")] bool IsStaff,
    [property: JsonPropertyName("joined")] string DateJoined,
    [property: JsonPropertyName("login")] string? LastLogin)
{
    public static BusAuthor From(User u) => new(u.Id, u.Username, u.Email, u.FirstName, u.LastName, u.IsActive, u.IsStaff, u.DateJoined, u.LastLogin);

    public User ToUser() => new(Id, Username, Email, FirstName, LastName, "", IsActive, IsStaff, DateJoined, LastLogin);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(BusEvent))]
public sealed partial class BusJsonContext : JsonSerializerContext
{
    /// <summary>Text kept as it is (only JSON's required escapes), so more of a message fits in one notification.</summary>
    public static readonly BusJsonContext Relaxed = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    });
}
