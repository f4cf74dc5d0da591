using System.Security.Cryptography;
using Chatire.Storage;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Import;

/// <summary><c>chatire db import-django</c>: what it writes, what it refuses, and that refusing writes nothing.</summary>
public sealed class ImportDjangoCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatire-tests", "import-" + Guid.NewGuid().ToString("N"));

    public ImportDjangoCommandTests() => Directory.CreateDirectory(_directory);

    private string Target => Path.Combine(_directory, "chatire.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task<CliRunner.Result> ImportAsync(string source, string target, params string[] extra) =>
        CliRunner.RunAsync(["db", "import-django", source, "--db", target, .. extra]);

    [Fact]
    public async Task Import_Fixture_CopiesUsersAndHashesByteForByte()
    {
        var manifest = DjangoFixture.Load();
        var before = SHA256.HashData(await File.ReadAllBytesAsync(DjangoFixture.DatabasePath));

        var result = await ImportAsync(DjangoFixture.DatabasePath, Target);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(DjangoFixture.DatabasePath)));
        using var source = new DjangoSql(DjangoFixture.DatabasePath, readOnly: true);
        using var target = new DjangoSql(Target);
        foreach (var user in manifest.Users)
        {
            Assert.Equal(source.Text($"SELECT password FROM auth_user WHERE id = {user.Id}"), target.Text($"SELECT password FROM users WHERE id = {user.Id}"));
            Assert.Equal(user.Username, target.Text($"SELECT username FROM users WHERE id = {user.Id}"));
            Assert.Equal(user.IsActive ? 1 : 0, target.Scalar($"SELECT is_active FROM users WHERE id = {user.Id}"));
            Assert.Equal(user.IsStaff ? 1 : 0, target.Scalar($"SELECT is_staff FROM users WHERE id = {user.Id}"));
        }

        Assert.Contains(manifest.Users, u => u.HashKind == "bcrypt_sha256");
        Assert.Equal(manifest.Tokens.Count, target.Scalar("SELECT count(*) FROM tokens WHERE kind = 'auth_token' AND label = 'django'"));
        foreach (var token in manifest.Tokens)
        {
            Assert.Equal(0, target.Scalar($"SELECT count(*) FROM tokens WHERE hex(hash) LIKE '%{Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(token.Key))}%'"));
        }
    }

    [Fact]
    public async Task Import_TokensKept_ExpireTokenLifetimeAfterTheImport()
    {
        var started = DateTimeOffset.UtcNow;

        var result = await ImportAsync(DjangoFixture.DatabasePath, Target, "--token-lifetime", "90d");

        Assert.True(result.ExitCode == 0, result.Error);
        using var target = new DjangoSql(Target);
        var expires = DateTimeOffset.Parse(target.Text("SELECT max(expires) FROM tokens"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, started.AddDays(90).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(90));
        Assert.Equal(1, target.Scalar("SELECT count(DISTINCT expires) FROM tokens"));
    }

    [Fact]
    public async Task Import_TokensDrop_ImportsNoToken()
    {
        var result = await ImportAsync(DjangoFixture.DatabasePath, Target, "--tokens", "drop");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("(3 dropped by --tokens drop)", result.Out);
        using var target = new DjangoSql(Target);
        Assert.Equal(0, target.Scalar("SELECT count(*) FROM tokens"));
        Assert.Equal(6, target.Scalar("SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Import_SecondTimeIntoTheSameDatabase_IsRefusedAndChangesNothing()
    {
        var first = await ImportAsync(DjangoFixture.DatabasePath, Target);
        Assert.True(first.ExitCode == 0, first.Error);

        var second = await ImportAsync(DjangoFixture.DatabasePath, Target);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already holds 6 user(s) and 3 chat(s)", second.Error);
        Assert.Equal("", second.Out);
        using var target = new DjangoSql(Target);
        Assert.Equal(63, target.Scalar("SELECT count(*) FROM messages"));
        Assert.Equal(6, target.Scalar("SELECT count(*) FROM users"));
        Assert.Equal(3, target.Scalar("SELECT count(*) FROM tokens"));
    }

    [Fact]
    public async Task Import_DatabaseWithAUser_IsRefused()
    {
        await using (var database = Database.Open(Target))
        {
            await new UserStore(database).CreateAsync("existing", "hash", "", "", "", false, "2026-01-01T00:00:00.000Z");
        }

        var result = await ImportAsync(DjangoFixture.DatabasePath, Target);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already holds 1 user(s) and 0 chat(s)", result.Error);
        using var target = new DjangoSql(Target);
        Assert.Equal(0, target.Scalar("SELECT count(*) FROM chats"));
    }

    [Fact]
    public async Task Import_TargetOfAnotherApplication_IsRefusedAndLeftAlone()
    {
        var other = DjangoFixture.CopyTo(Path.Combine(_directory, "other.sqlite3"));
        var before = await File.ReadAllBytesAsync(other);

        var result = await ImportAsync(DjangoFixture.DatabasePath, other);

        AssertOneSentence(result, "is not a Chatire database");
        Assert.Equal(before, await File.ReadAllBytesAsync(other));
    }

    [Fact]
    public async Task Import_TargetIsTheSource_IsRefused()
    {
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "same.sqlite3"));

        var result = await ImportAsync(source, source);

        AssertOneSentence(result, "are the same file");
    }

    [Fact]
    public async Task DryRun_NoTarget_ReportsAndCreatesNothing()
    {
        var result = await ImportAsync(DjangoFixture.DatabasePath, Target, "--dry-run");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("wrote nothing", result.Out);
        Assert.Contains("messages: 63", result.Out);
        Assert.Contains("tokens:   3", result.Out);
        Assert.False(File.Exists(Target));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task DryRun_EmptyTarget_LeavesItsBytesAlone()
    {
        await using (Database.Open(Target))
        {
        }

        var before = await File.ReadAllBytesAsync(Target);
        var files = Directory.GetFiles(_directory).Order().ToList();
        var result = await ImportAsync(DjangoFixture.DatabasePath, Target, "--dry-run");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("users:    6", result.Out);
        Assert.Equal(before, await File.ReadAllBytesAsync(Target));
        Assert.Equal(files, Directory.GetFiles(_directory).Order());
    }

    [Fact]
    public async Task Import_MissingSource_FailsWithASentence()
    {
        var result = await ImportAsync(Path.Combine(_directory, "nope.sqlite3"), Target);

        AssertOneSentence(result, "There is no file");
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task Import_TextFile_IsRefusedAsNotSqlite()
    {
        var source = Path.Combine(_directory, "notes.sqlite3");
        await File.WriteAllTextAsync(source, new string('x', 8192));

        var result = await ImportAsync(source, Target);

        AssertOneSentence(result, "is not a SQLite database");
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task Import_ChatireDatabase_IsRefusedNamingTheMissingTable()
    {
        var source = Path.Combine(_directory, "other.db");
        await using (Database.Open(source))
        {
        }

        var result = await ImportAsync(source, Target);

        AssertOneSentence(result, "is not a Django Chatire database: it has no table 'auth_user'");
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task Import_DjangoWithoutTheChatApp_IsRefusedNamingTheMissingTable()
    {
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "django.sqlite3"));
        using (var sql = new DjangoSql(source))
        {
            sql.Execute("DROP TABLE chat_chatsessionmessage");
        }

        var result = await ImportAsync(source, Target);

        AssertOneSentence(result, "has no table 'chat_chatsessionmessage'");
    }

    [Fact]
    public async Task Import_CorruptedSource_IsRefusedAndLeavesNoTarget()
    {
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "damaged.sqlite3"));
        var bytes = await File.ReadAllBytesAsync(source);
        var pageSize = bytes[16] << 8 | bytes[17];
        Array.Fill(bytes, (byte)0xA5, pageSize, bytes.Length - pageSize);
        await File.WriteAllBytesAsync(source, bytes);

        var result = await ImportAsync(source, Target);

        AssertOneSentence(result, "'" + source + "'");
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task Import_MessagePagesDamaged_FailsMidwayAndWritesNothing()
    {
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "damaged.sqlite3"));
        long root;
        int pageSize;
        using (var sql = new DjangoSql(source))
        {
            root = sql.Scalar("SELECT rootpage FROM sqlite_master WHERE name = 'chat_chatsessionmessage'");
            pageSize = (int)sql.Scalar("PRAGMA page_size");
        }

        var bytes = await File.ReadAllBytesAsync(source);
        Array.Fill(bytes, (byte)0xA5, (int)(root - 1) * pageSize, pageSize);
        await File.WriteAllBytesAsync(source, bytes);

        var result = await ImportAsync(source, Target);

        AssertOneSentence(result, "is damaged");
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task Import_SourceLockedByAWriter_FailsWithASentence()
    {
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "busy.sqlite3"));
        using var writer = new DjangoSql(source);
        writer.Execute("BEGIN EXCLUSIVE");

        var result = await ImportAsync(source, Target);

        AssertOneSentence(result, "is locked by another process");
        writer.Execute("ROLLBACK");
    }

    [Fact]
    public async Task Import_RowsThatCannotBeStored_AreSkippedAndOddRowsWarned()
    {
        var source = DjangoFixture.CopyTo(Path.Combine(_directory, "odd.sqlite3"));
        var longText = string.Concat(Enumerable.Repeat("é😀", 1300));
        using (var sql = new DjangoSql(source))
        {
            const string User = "INSERT INTO auth_user (id, password, is_superuser, username, last_name, email, is_staff, is_active, date_joined, first_name) VALUES ";
            sql.Execute(User + "(7, 'pbkdf2_sha256$1$a$b', 0, 'FRANK', '', '', 0, 1, '2025-01-01 00:00:00', '')");
            sql.Execute(User + "(8, '!unusable', 0, 'bad name!', '', '', 0, 1, '2025-01-01 00:00:00+02:00', '')");
            sql.Execute("INSERT INTO chat_chatsession (id, create_date, update_date, uri, owner_id) VALUES (4, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 'aaaaaaaaaaaaaaa', 99)");
            sql.Execute("INSERT INTO chat_chatsession (id, create_date, update_date, uri, owner_id) VALUES (5, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 'e2ed0b0012bd465', 2)");
            const string Member = "INSERT INTO chat_chatsessionmember (id, create_date, update_date, chat_session_id, user_id) VALUES ";
            sql.Execute(Member + "(10, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, 1)");
            sql.Execute(Member + "(11, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, 2)");
            sql.Execute(Member + "(12, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 99, 2)");
            sql.Execute(Member + "(13, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, 8)");
            const string Message = "INSERT INTO chat_chatsessionmessage (id, create_date, update_date, message, chat_session_id, user_id) VALUES ";
            sql.Execute(Message + "(100, '2026-11-02 10:00:00.123999', '2026-11-02 10:00:00', $text, 1, 2)", ("$text", longText));
            sql.Execute(Message + "(101, '2026-11-02 10:00:01', '2026-11-02 10:00:01', 'lost chat', 4, 2)");
            sql.Execute(Message + "(102, '2026-11-02 10:00:02', '2026-11-02 10:00:02', 'ghost', 1, 77)");
            sql.Execute(Message + "(103, 'yesterday', 'yesterday', 'when?', 1, 2)");
            sql.Execute(Message + "(104, '2027-01-05 10:00:04', '2027-01-05 10:00:04', CAST(x'6f6bff' AS TEXT), 1, 8)");
            sql.Execute("INSERT INTO authtoken_token (key, created, user_id) VALUES ('0123456789abcdef0123456789abcdef01234567', '2026-01-01 00:00:00', 7)");
        }

        var result = await ImportAsync(source, Target);

        Assert.True(result.ExitCode == 0, result.Error);
        var report = result.Out;
        Assert.Contains("users:    7", report);
        Assert.Contains("chats:    3", report);
        Assert.Contains("messages: 65", report);
        Assert.Contains("tokens:   3", report);
        Assert.Contains("skipped:  10 row(s)", report);
        Assert.Contains("skipped auth_user 7 'FRANK': the username differs only in case from user 2 'frank'", report);
        Assert.Contains("skipped chat_chatsession 4 'aaaaaaaaaaaaaaa': its owner, user 99, does not exist", report);
        Assert.Contains("skipped chat_chatsession 5 'e2ed0b0012bd465': chat 1 has the same uri", report);
        Assert.Contains("skipped chat_chatsessionmember 10: user 1 owns chat 1 and is already its first member", report);
        Assert.Contains("skipped chat_chatsessionmember 11: user 2 is already a member of chat 1", report);
        Assert.Contains("skipped chat_chatsessionmember 12: its chat 99 does not exist", report);
        Assert.Contains("skipped chat_chatsessionmessage 101: its chat 4 was skipped", report);
        Assert.Contains("skipped chat_chatsessionmessage 102: its author, user 77, does not exist", report);
        Assert.Contains("skipped chat_chatsessionmessage 103: its create_date 'yesterday' is not a time", report);
        Assert.Contains("skipped authtoken_token of user 7: its user 7 was skipped", report);
        Assert.DoesNotContain("0123456789abcdef", report);
        Assert.Contains("warnings: 3", report);
        Assert.Contains("warning auth_user 8 'bad name!': the username breaks today's sign-up rules", report);
        Assert.Contains("warning chat_chatsessionmessage 100: 2600 characters, over today's limit of 2000; imported as it is", report);
        Assert.Contains("warning chat_chatsessionmessage 104: its text is not valid UTF-8", report);

        using var target = new DjangoSql(Target);
        Assert.Equal(longText, target.Text("SELECT message FROM messages WHERE created = '2026-11-02T10:00:00.123Z'"));
        Assert.Equal("bad name!", target.Text("SELECT username FROM users WHERE id = 8"));
        Assert.Equal("2024-12-31T22:00:00.000Z", target.Text("SELECT date_joined FROM users WHERE id = 8"));
        Assert.Equal("ok\uFFFD", target.Text("SELECT message FROM messages ORDER BY id DESC LIMIT 1"));
        Assert.Equal(1, target.Scalar("SELECT count(*) FROM members WHERE chat_id = 1 AND user_id = 8"));
        Assert.Equal("2027-01-05T10:00:04.000Z", target.Text("SELECT last_activity FROM chats WHERE id = 1"));
        Assert.Equal("2026-12-01T07:36:12.139Z", target.Text("SELECT last_activity FROM chats WHERE id = 2"));
    }

    private static void AssertOneSentence(CliRunner.Result result, string expected)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error);
        var text = result.Error.Trim();
        Assert.DoesNotContain('\n', text);
        Assert.EndsWith(".", text);
        Assert.Equal("", result.Out);
    }
}
