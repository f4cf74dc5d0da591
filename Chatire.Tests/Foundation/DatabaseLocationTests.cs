using Chatire.Core;
using Chatire.Tests.Infrastructure;
using Npgsql;

namespace Chatire.Tests.Foundation;

public sealed class DatabaseLocationTests
{
    [Theory]
    [InlineData("chatire.db")]
    [InlineData("/var/lib/chatire/chatire.db")]
    [InlineData("postgres.db")]
    public void Parse_FilePath_IsSqlite(string text)
    {
        Assert.True(DatabaseLocation.TryParse(text, out var location, out _));
        Assert.False(location.IsPostgres);
        Assert.Equal(text, location.Display);
    }

    [Theory]
    [InlineData("postgres://app:p%40ss%3Aw0rd@db.example:6543/chat?sslmode=require")]
    [InlineData("postgresql://app:p%40ss%3Aw0rd@db.example:6543/chat?sslmode=require")]
    public void Parse_Url_DecodesAndMasksPassword(string text)
    {
        Assert.True(DatabaseLocation.TryParse(text, out var location, out var error), error);

        var builder = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("chat", builder.Database);
        Assert.Equal("app", builder.Username);
        Assert.Equal("p@ss:w0rd", builder.Password);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.DoesNotContain("p%40ss", location.Display, StringComparison.Ordinal);
        Assert.EndsWith("://app:***@db.example:6543/chat?sslmode=require", location.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoPort_Uses5432()
    {
        Assert.True(DatabaseLocation.TryParse("postgres://app@localhost/chat", out var location, out _));
        Assert.Equal(5432, new NpgsqlConnectionStringBuilder(location.ConnectionString).Port);
    }

    [Theory]
    [InlineData("postgres://app:pw@host:notaport/chat", "port")]
    [InlineData("postgres://app:pw@host:5432/", "no database")]
    [InlineData("postgres://app:pw@host/chat?colour=blue", "'colour'")]
    public void Parse_BadUrl_IsASentenceWithoutPassword(string text, string expected)
    {
        Assert.False(DatabaseLocation.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", error, StringComparison.Ordinal);
        Assert.EndsWith(".", error, StringComparison.Ordinal);
    }
}

public sealed class DatabaseUrlSecretTests
{
    [Fact]
    public async Task ConfigPrint_PostgresUrlInEnvironment_MasksPassword()
    {
        var result = await CliRunner.RunAsync(["config", "print"], environment: new Dictionary<string, string> { ["CHATIRE_DB"] = "postgres://app:hunter2-secret@db.example/chat" });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("postgres://app:***@db.example/chat", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadPostgresUrl_Exit2WithSentence()
    {
        var result = await CliRunner.RunAsync(["serve", "--db", "postgres://app:hunter2-secret@db.example:99999/chat"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("port", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", result.Out + result.Error, StringComparison.Ordinal);
    }
}
