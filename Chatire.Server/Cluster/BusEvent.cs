using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Cluster;

/// <summary>
/// One notification on the cluster's channel. <c>k</c> says what happened: "m" a message was stored
/// (with the message and its author, or only ids when that would pass PostgreSQL's 8000-byte payload
/// limit), "s" sessions of a user ended (tokens revoked; <c>d</c>: the account was deactivated or
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
    [property: JsonPropertyName("on")] bool Online = false)
{
    public const string Message = "m";
    public const string Sessions = "s";
    public const string Presence = "p";
    public const string NodeGone = "g";

    public static BusEvent Of(AuthoredMessage m, string node, long sent) => new(
        Message, node, sent, m.Message.Id, m.Message.ChatId, m.Message.UserId, m.Message.Uri, m.Message.Text, m.Message.Created, m.Message.ClientId, BusAuthor.From(m.Author));

    /// <summary>The message, or null when this notification carries only its ids.</summary>
    public AuthoredMessage? ToMessage() => Text is null || Author is null || Uri is null || Created is null
        ? null
        : new AuthoredMessage(new ChatMessage(Id, ChatId, Uri, UserId, Text, Created, ClientId), Author.ToUser());
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
    [property: JsonPropertyName("login")] string? LastLogin,
    [property: JsonPropertyName("bio")] string Bio = "",
    [property: JsonPropertyName("image")] string Image = "")
{
    public static BusAuthor From(User u) => new(u.Id, u.Username, u.Email, u.FirstName, u.LastName, u.IsActive, u.IsStaff, u.DateJoined, u.LastLogin, u.Bio, u.Image);

    public User ToUser() => new(Id, Username, Email, FirstName, LastName, "", IsActive, IsStaff, DateJoined, LastLogin, Bio, Image);
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
