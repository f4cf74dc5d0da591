using System.Globalization;
using Chatire.Auth;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Import;

/// <summary>How an import treats what it brings over.</summary>
/// <param name="KeepTokens">Import DRF tokens as auth tokens (<c>--tokens keep</c>) or leave them (<c>drop</c>).</param>
/// <param name="Now">The import's time: imported tokens expire <paramref name="TokenLifetime"/> after it.</param>
public sealed record ImportOptions(bool KeepTokens, DateTimeOffset Now, TimeSpan TokenLifetime);

/// <summary>
/// Maps a Django Chatire database onto Chatire's rows and hands them to a writer: users with their ids
/// and password hashes as they are, chats under their uris with the owner as first member, members,
/// messages in id order (new ids, same order), and DRF tokens as hashed auth tokens. A row is skipped
/// only when it cannot be stored at all; rows today's rules would refuse are imported and warned about.
/// One importer serves one run.
/// </summary>
public sealed class DjangoImporter(DjangoSource source, ImportOptions options)
{
    /// <summary>The label imported tokens carry (shown by <c>chatire token list</c>).</summary>
    public const string TokenLabel = "django";

    private readonly HashSet<long> _skippedUsers = [];
    private readonly HashSet<long> _skippedChats = [];
    private long _messagesRead;

    /// <summary>Messages read so far (for a progress bar; any thread may read it).</summary>
    public long MessagesRead => Interlocked.Read(ref _messagesRead);

    /// <summary>Reads everything and writes it through <paramref name="writer"/>; throws when the target refuses.</summary>
    public ImportReport Run(IImportWriter writer)
    {
        if (writer.RefusalReason() is { } refusal)
        {
            throw new ImportException(refusal);
        }

        var report = new ImportReport();
        var users = ImportUsers(writer, report);
        var chats = ImportChats(writer, report, users);
        ImportMembers(writer, report, users, chats);
        ImportMessages(writer, report, users, chats);
        ImportTokens(writer, report, users);
        return report;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private HashSet<long> ImportUsers(IImportWriter writer, ImportReport report)
    {
        var imported = new HashSet<long>();
        var byKey = new Dictionary<string, DjangoUser>(StringComparer.Ordinal);
        foreach (var user in source.Users())
        {
            var row = $"{Id(user.Id)} '{user.Username}'";
            if (byKey.TryGetValue(Usernames.Key(user.Username), out var first))
            {
                report.Skip(DjangoSource.UsersTable, row, $"the username differs only in case from user {Id(first.Id)} '{first.Username}' (Chatire usernames are unique ignoring case)");
                _skippedUsers.Add(user.Id);
                continue;
            }

            if (DjangoTime.ToChatire(user.DateJoined) is not { } joined)
            {
                report.Skip(DjangoSource.UsersTable, row, $"its date_joined '{user.DateJoined}' is not a time");
                _skippedUsers.Add(user.Id);
                continue;
            }

            var lastLogin = DjangoTime.ToChatire(user.LastLogin);
            if (user.LastLogin is not null && lastLogin is null)
            {
                report.Warn(DjangoSource.UsersTable, row, $"its last_login '{user.LastLogin}' is not a time; imported without one");
            }

            foreach (var problem in AccountRules.UsernameProblems(user.Username))
            {
                report.Warn(DjangoSource.UsersTable, row, $"the username breaks today's sign-up rules ({problem.TrimEnd('.')}); imported as it is");
            }

            writer.AddUser(new User(user.Id, user.Username, user.Email, user.FirstName, user.LastName, user.Password,
                user.IsActive, user.IsStaff, joined, lastLogin));
            byKey[Usernames.Key(user.Username)] = user;
            imported.Add(user.Id);
            report.Users++;
        }

        return imported;
    }

    private sealed class ChatState(ImportedChat chat)
    {
        public ImportedChat Chat { get; } = chat;
        public HashSet<long> Members { get; } = [chat.OwnerId];
        public string? LastMessage { get; set; }
    }

    private Dictionary<long, ChatState> ImportChats(IImportWriter writer, ImportReport report, HashSet<long> users)
    {
        var chats = new Dictionary<long, ChatState>();
        var byUri = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chat in source.Chats())
        {
            var row = $"{Id(chat.Id)} '{chat.Uri}'";
            if (!users.Contains(chat.OwnerId))
            {
                report.Skip(DjangoSource.ChatsTable, row, $"its owner, user {Id(chat.OwnerId)}, {MissingUser(chat.OwnerId)}");
                _skippedChats.Add(chat.Id);
                continue;
            }

            if (byUri.TryGetValue(chat.Uri, out var first))
            {
                report.Skip(DjangoSource.ChatsTable, row, $"chat {Id(first)} has the same uri (Chatire uris are unique)");
                _skippedChats.Add(chat.Id);
                continue;
            }

            if (DjangoTime.ToChatire(chat.Created) is not { } created)
            {
                report.Skip(DjangoSource.ChatsTable, row, $"its create_date '{chat.Created}' is not a time");
                _skippedChats.Add(chat.Id);
                continue;
            }

            var imported = new ImportedChat(chat.Id, chat.Uri, chat.OwnerId, created);
            writer.AddChat(imported);
            chats[chat.Id] = new ChatState(imported);
            byUri[chat.Uri] = chat.Id;
            report.Chats++;
            report.Members++;
        }

        return chats;
    }

    private void ImportMembers(IImportWriter writer, ImportReport report, HashSet<long> users, Dictionary<long, ChatState> chats)
    {
        foreach (var member in source.Members())
        {
            var row = Id(member.Id);
            if (!chats.TryGetValue(member.ChatId, out var chat))
            {
                report.Skip(DjangoSource.MembersTable, row, $"its chat {Id(member.ChatId)} {MissingChat(member.ChatId)}");
                continue;
            }

            if (!users.Contains(member.UserId))
            {
                report.Skip(DjangoSource.MembersTable, row, $"its user {Id(member.UserId)} {MissingUser(member.UserId)}");
                continue;
            }

            if (!chat.Members.Add(member.UserId))
            {
                report.Skip(DjangoSource.MembersTable, row, member.UserId == chat.Chat.OwnerId
                    ? $"user {Id(member.UserId)} owns chat {Id(member.ChatId)} and is already its first member"
                    : $"user {Id(member.UserId)} is already a member of chat {Id(member.ChatId)}");
                continue;
            }

            var joined = DjangoTime.ToChatire(member.Created);
            if (joined is null)
            {
                report.Warn(DjangoSource.MembersTable, row, $"its create_date '{member.Created}' is not a time; the chat's creation time is used");
            }

            writer.AddMember(member.ChatId, member.UserId, joined ?? chat.Chat.Created);
            report.Members++;
        }
    }

    private void ImportMessages(IImportWriter writer, ImportReport report, HashSet<long> users, Dictionary<long, ChatState> chats)
    {
        foreach (var message in source.Messages())
        {
            Interlocked.Increment(ref _messagesRead);
            var row = Id(message.Id);
            if (!chats.TryGetValue(message.ChatId, out var chat))
            {
                report.Skip(DjangoSource.MessagesTable, row, $"its chat {Id(message.ChatId)} {MissingChat(message.ChatId)}");
                continue;
            }

            if (!users.Contains(message.UserId))
            {
                report.Skip(DjangoSource.MessagesTable, row, $"its author, user {Id(message.UserId)}, {MissingUser(message.UserId)}");
                continue;
            }

            if (DjangoTime.ToChatire(message.Created) is not { } created)
            {
                report.Skip(DjangoSource.MessagesTable, row, $"its create_date '{message.Created}' is not a time");
                continue;
            }

            if (!message.ValidUtf8)
            {
                report.Warn(DjangoSource.MessagesTable, row, "its text is not valid UTF-8; the invalid bytes were imported as U+FFFD");
            }

            if (message.Text.Length > MessageRules.MaxCodePoints && AccountRules.CountCodePoints(message.Text) > MessageRules.MaxCodePoints)
            {
                report.Warn(DjangoSource.MessagesTable, row,
                    string.Create(CultureInfo.InvariantCulture, $"{AccountRules.CountCodePoints(message.Text)} characters, over today's limit of {MessageRules.MaxCodePoints}; imported as it is"));
            }

            writer.AddMessage(message.ChatId, message.UserId, message.Text, created);
            if (chat.LastMessage is null || string.CompareOrdinal(created, chat.LastMessage) > 0)
            {
                chat.LastMessage = created;
            }

            report.Messages++;
        }

        foreach (var chat in chats.Values)
        {
            if (chat.LastMessage is { } last)
            {
                writer.SetLastActivity(chat.Chat.Id, last);
            }
        }
    }

    private void ImportTokens(IImportWriter writer, ImportReport report, HashSet<long> users)
    {
        if (!source.HasTokensTable)
        {
            report.Notes.Add($"the database has no table '{DjangoSource.TokensTable}': there were no DRF tokens to import");
            return;
        }

        var expires = Timestamps.Truncate(options.Now + options.TokenLifetime);
        foreach (var token in source.Tokens())
        {
            if (!options.KeepTokens)
            {
                report.TokensDropped++;
                continue;
            }

            // The key is a credential: the report names the token by its user only.
            var row = $"of user {Id(token.UserId)}";
            if (!users.Contains(token.UserId))
            {
                report.Skip(DjangoSource.TokensTable, row, $"its user {Id(token.UserId)} {MissingUser(token.UserId)}");
                continue;
            }

            if (token.Key.Length == 0)
            {
                report.Skip(DjangoSource.TokensTable, row, "its key is empty");
                continue;
            }

            var created = DjangoTime.TryParse(token.Created, out var time) ? Timestamps.Truncate(time) : Timestamps.Truncate(options.Now);
            writer.AddAuthToken(token.UserId, TokenService.HashOf(token.Key), TokenLabel, created, expires);
            report.Tokens++;
        }

        report.TokensExpire = report.Tokens > 0 ? expires : null;
    }

    private string MissingUser(long id) => _skippedUsers.Contains(id) ? "was skipped" : "does not exist";

    private string MissingChat(long id) => _skippedChats.Contains(id) ? "was skipped" : "does not exist";
}
