using System.Text.Json.Nodes;
using Chatire.Auth;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Cli;

public sealed class UserCommandTests : IDisposable
{
    private const string Password = "Tr0ub4dor&3-horse";
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-cli").FullName;

    private static readonly PasswordHasher Hasher = new(4, Serilog.Core.Logger.None);

    private string Db => Path.Combine(_directory, "chatire.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    // The low bcrypt cost comes from the environment: only the commands that hash take it as a flag.
    private Task<CliRunner.Result> Run(string stdin, params string[] args) =>
        CliRunner.RunAsync([.. args, "--db", Db], stdin, new Dictionary<string, string> { ["CHATIRE_BCRYPT_COST"] = "4" });

    [Fact]
    public async Task UserCreate_PasswordStdin_ThenListShowsUser()
    {
        var created = await Run(Password + "\n", "user", "create", "alice", "--email", "alice@example.com", "--password-stdin");
        var listed = await CliRunner.RunAsync(["user", "list", "--db", Db]);

        Assert.Equal(0, created.ExitCode);
        Assert.Contains("Created user 'alice'", created.Out);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("alice", listed.Out);
        Assert.Contains("alice@example.com", listed.Out);
        Assert.DoesNotContain(Password, created.Out + created.Error + listed.Out + listed.Error);
    }

    [Fact]
    public async Task UserCreate_StoresDjangoHashNeverThePassword()
    {
        await Run(Password + "\n", "user", "create", "alice", "--password-stdin");

        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        var stored = Chatire.Storage.Database.Scalar<string>(connection, "SELECT password FROM users WHERE username = 'alice'");
        Assert.StartsWith("bcrypt_sha256$$2b$04$", stored);
        Assert.True(Hasher.Verify(Password, stored));
        Assert.DoesNotContain(Password, File.ReadAllText(Db + "-wal", System.Text.Encoding.Latin1) + File.ReadAllText(Db, System.Text.Encoding.Latin1));
    }

    [Fact]
    public async Task UserCreate_FromEnvironmentVariable_Works()
    {
        var result = await CliRunner.RunAsync(["user", "create", "carol", "--db", Db, "--bcrypt-cost", "4"],
            environment: new Dictionary<string, string> { ["CHATIRE_PASSWORD"] = Password });

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task UserCreate_NoPasswordSourceWithoutTerminal_ExplainsAndExits2()
    {
        var result = await Run("", "user", "create", "dave");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password-stdin", result.Error);
    }

    [Theory]
    [InlineData("bad name", Password, "username: Enter a valid username")]
    [InlineData("bob", "short", "password: This password is too short")]
    [InlineData("bob", "12345678901", "password: This password is entirely numeric")]
    [InlineData("bobthebuilder", "thebuild", "password: The password is too similar to the username")]
    public async Task UserCreate_BreaksARule_NamesTheRuleAndExits2(string name, string password, string expected)
    {
        var result = await Run(password + "\n", "user", "create", name, "--password-stdin");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain(password, result.Out);
    }

    [Fact]
    public async Task UserCreate_Twice_SecondRefusedUnlessIgnoreExists()
    {
        await Run(Password + "\n", "user", "create", "alice", "--password-stdin");

        var again = await Run(Password + "\n", "user", "create", "ALICE", "--password-stdin");
        var ignored = await Run(Password + "\n", "user", "create", "alice", "--password-stdin", "--ignore-exists");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("A user with that username already exists.", again.Error);
        Assert.Equal(0, ignored.ExitCode);
    }

    [Fact]
    public async Task UserList_Json_IsAnArrayWithoutPasswords()
    {
        await Run(Password + "\n", "user", "create", "alice", "--password-stdin", "--first-name", "Alice", "--staff");

        var result = await CliRunner.RunAsync(["user", "list", "--json", "--db", Db]);

        var users = JsonNode.Parse(result.Out)!.AsArray();
        var alice = Assert.Single(users)!;
        Assert.Equal("alice", alice["username"]!.GetValue<string>());
        Assert.Equal("Alice", alice["first_name"]!.GetValue<string>());
        Assert.True(alice["is_staff"]!.GetValue<bool>());
        Assert.Null(alice["password"]);
    }

    [Fact]
    public async Task UserDeactivateActivateDelete_ChangeTheAccount()
    {
        await Run(Password + "\n", "user", "create", "alice", "--password-stdin");

        Assert.Equal(0, (await Run("", "user", "deactivate", "alice")).ExitCode);
        Assert.Contains("no", (await CliRunner.RunAsync(["user", "list", "--db", Db])).Out.Split('\n')[1]);
        Assert.Equal(0, (await Run("", "user", "activate", "alice")).ExitCode);
        Assert.Contains("yes", (await CliRunner.RunAsync(["user", "list", "--db", Db])).Out.Split('\n')[1]);
        Assert.Equal(0, (await Run("", "user", "delete", "alice")).ExitCode);
        Assert.DoesNotContain("alice", (await CliRunner.RunAsync(["user", "list", "--db", Db])).Out);
    }

    [Fact]
    public async Task UserSetPassword_NewPasswordVerifies()
    {
        await Run(Password + "\n", "user", "create", "alice", "--password-stdin");

        var result = await Run("another-Secret-42\n", "user", "set-password", "alice", "--password-stdin");

        Assert.Equal(0, result.ExitCode);
        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        var stored = Chatire.Storage.Database.Scalar<string>(connection, "SELECT password FROM users WHERE username = 'alice'");
        Assert.True(Hasher.Verify("another-Secret-42", stored));
    }

    [Fact]
    public async Task UserDeactivate_UnknownUser_Exits1WithSentence()
    {
        await Run(Password + "\n", "user", "create", "alice", "--password-stdin");

        var result = await Run("", "user", "deactivate", "nobody");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no user named 'nobody'.", result.Error);
    }
}
