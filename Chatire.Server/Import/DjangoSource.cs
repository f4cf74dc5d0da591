using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Chatire.Import;

/// <summary>
/// A Django Chatire SQLite database, opened read-only. Everything is read inside one read transaction,
/// so the import sees one consistent state even if Django still runs. Every SQLite failure becomes an
/// <see cref="ImportException"/> with a sentence naming the file.
/// </summary>
public sealed class DjangoSource : IDisposable
{
    public const string UsersTable = "auth_user";
    public const string ChatsTable = "chat_chatsession";
    public const string MembersTable = "chat_chatsessionmember";
    public const string MessagesTable = "chat_chatsessionmessage";
    public const string TokensTable = "authtoken_token";

    /// <summary>How long to wait for a writer of the file to let go before calling it locked.</summary>
    private const int LockWaitSeconds = 2;

    private static readonly Dictionary<string, string[]> RequiredColumns = new()
    {
        [UsersTable] = ["id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"],
        [ChatsTable] = ["id", "uri", "owner_id", "create_date"],
        [MembersTable] = ["id", "chat_session_id", "user_id", "create_date"],
        [MessagesTable] = ["id", "chat_session_id", "user_id", "message", "create_date"],
    };

    private static readonly string[] TokenColumns = ["key", "user_id", "created"];

    private const string UsersSql = """
        SELECT id, username, email, first_name, last_name, password, is_active, is_staff, is_superuser, date_joined, last_login
        FROM auth_user ORDER BY id
        """;
    private const string ChatsSql = "SELECT id, uri, owner_id, create_date FROM chat_chatsession ORDER BY id";
    private const string MembersSql = "SELECT id, chat_session_id, user_id, create_date FROM chat_chatsessionmember ORDER BY id";
    private const string MessagesSql = "SELECT id, chat_session_id, user_id, CAST(message AS BLOB), create_date FROM chat_chatsessionmessage ORDER BY id";
    private const string TokensSql = "SELECT key, user_id, created FROM authtoken_token ORDER BY user_id, key";
    private const string CountMessagesSql = "SELECT count(*) FROM chat_chatsessionmessage";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _snapshot;

    private DjangoSource(string path, SqliteConnection connection, SqliteTransaction snapshot, bool hasTokens)
    {
        Path = path;
        _connection = connection;
        _snapshot = snapshot;
        HasTokensTable = hasTokens;
    }

    public string Path { get; }

    /// <summary>False when the database has no <c>authtoken_token</c> table (DRF's token app was not installed).</summary>
    public bool HasTokensTable { get; }

    /// <summary>Opens <paramref name="path"/> read-only and checks that it holds Django Chatire's tables.</summary>
    /// <exception cref="ImportException">Missing, not SQLite, damaged, locked, or not a Django Chatire database.</exception>
    public static DjangoSource Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ImportException($"There is no file '{fullPath}' to import.");
        }

        SQLitePCL.Batteries_V2.Init();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = LockWaitSeconds,
        }.ToString());
        try
        {
            connection.Open();
            var snapshot = connection.BeginTransaction(deferred: true);
            var tables = Tables(connection, snapshot);
            foreach (var (table, columns) in RequiredColumns)
            {
                CheckColumns(fullPath, tables, table, columns);
            }

            var hasTokens = tables.ContainsKey(TokensTable);
            if (hasTokens)
            {
                CheckColumns(fullPath, tables, TokensTable, TokenColumns);
            }

            return new DjangoSource(fullPath, connection, snapshot, hasTokens);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw Failure(fullPath, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static Dictionary<string, HashSet<string>> Tables(SqliteConnection connection, SqliteTransaction transaction)
    {
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            columns.Add(reader.GetString(1));
        }

        return tables;
    }

    private static void CheckColumns(string path, Dictionary<string, HashSet<string>> tables, string table, string[] required)
    {
        if (!tables.TryGetValue(table, out var columns))
        {
            throw new ImportException($"'{path}' is not a Django Chatire database: it has no table '{table}'.");
        }

        var missing = required.Where(column => !columns.Contains(column)).ToList();
        if (missing.Count > 0)
        {
            throw new ImportException($"'{path}' is not a Django Chatire database: its table '{table}' has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        }
    }

    /// <summary>The sentence for a SQLite failure reading <paramref name="path"/>.</summary>
    public static ImportException Failure(string path, SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => new ImportException($"'{path}' is not a SQLite database, so it cannot be a Django Chatire database.", ex),
        11 => new ImportException($"'{path}' is damaged (SQLite: {Reason(ex)}); repair it or import a backup.", ex),
        5 or 6 => new ImportException($"'{path}' is locked by another process (is Django still writing to it?); stop it and import again.", ex),
        _ => new ImportException($"'{path}' cannot be read (SQLite: {Reason(ex)}).", ex),
    };

    private static string Reason(SqliteException ex) => ex.Message.Split('\'') is [_, var reason, ..] ? reason : ex.Message.TrimEnd('.');

    public long CountMessages() => Guard(() =>
    {
        using var command = Command(CountMessagesSql);
        return (long)command.ExecuteScalar()!;
    });

    public IEnumerable<DjangoUser> Users() => Rows(UsersSql, r => new DjangoUser(
        r.GetInt64(0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5),
        Flag(r, 6), Flag(r, 7) || Flag(r, 8), NullableText(r, 9), NullableText(r, 10)));

    public IEnumerable<DjangoChat> Chats() => Rows(ChatsSql, r => new DjangoChat(r.GetInt64(0), Text(r, 1), r.GetInt64(2), NullableText(r, 3)));

    public IEnumerable<DjangoMember> Members() => Rows(MembersSql, r => new DjangoMember(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), NullableText(r, 3)));

    public IEnumerable<DjangoMessage> Messages() => Rows(MessagesSql, r =>
    {
        var bytes = r.IsDBNull(3) ? [] : (byte[])r.GetValue(3);
        string text;
        var valid = true;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.UTF8.GetString(bytes);
            valid = false;
        }

        return new DjangoMessage(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), text, valid, NullableText(r, 4));
    });

    public IEnumerable<DjangoToken> Tokens() => HasTokensTable
        ? Rows(TokensSql, r => new DjangoToken(Text(r, 0), r.GetInt64(1), NullableText(r, 2)))
        : [];

    /// <summary>Streams the rows of <paramref name="sql"/>; a SQLite failure on the way becomes an <see cref="ImportException"/>.</summary>
    private IEnumerable<T> Rows<T>(string sql, Func<SqliteDataReader, T> map)
    {
        using var command = Command(sql);
        using var reader = Guard(command.ExecuteReader);
        while (Guard(reader.Read))
        {
            yield return Guard(() => map(reader));
        }
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _snapshot;
        command.CommandText = sql;
        return command;
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw Failure(Path, ex);
        }
    }

    private static string Text(SqliteDataReader r, int i) => NullableText(r, i) ?? "";

    private static string? NullableText(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);

    private static bool Flag(SqliteDataReader r, int i) => !r.IsDBNull(i) && r.GetValue(i) switch
    {
        long number => number != 0,
        double number => number != 0,
        string text => text.Trim() is "1" or "true" or "True" or "t",
        _ => false,
    };

    public void Dispose()
    {
        _snapshot.Dispose();
        _connection.Dispose();
    }
}
