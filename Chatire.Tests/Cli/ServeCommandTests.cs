using System.Net;
using System.Net.Sockets;
using Chatire.Cli;
using Chatire.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chatire.Tests.Cli;

public sealed class ServeCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-serve").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Serve_Health_ThenCancel_ExitsZeroAndCreatesDatabase()
    {
        var port = TestServer.FreePort();
        var db = Path.Combine(_directory, "new.db");
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var console = new CliConsole(new StringReader(""), output, output, _ => null, false);

        var serving = CliApplication.RunAsync(["serve", "--host", "127.0.0.1", "--port", port.ToString(), "--db", db, "--log-level", "warning"], console, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var status = await WaitForHealthAsync(http, serving);
        await stop.CancelAsync();
        var exitCode = await serving.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(db));
    }

    [Fact]
    public async Task Serve_PortInUse_OneLineErrorExit1()
    {
        var blocker = new TcpListener(IPAddress.Any, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        try
        {
            var result = await CliRunner.RunAsync(["serve", "--port", port.ToString(), "--db", Path.Combine(_directory, "x.db"), "--log-level", "warning"]);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"port {port}", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
            Assert.False(File.Exists(Path.Combine(_directory, "x.db")), "the database was created although the server could not listen");
        }
        finally
        {
            blocker.Stop();
        }
    }

    [Fact]
    public async Task Serve_BadSettings_Exit2BeforeBinding()
    {
        var result = await CliRunner.RunAsync(["serve", "--port", "0", "--max-body", "huge", "--db", Path.Combine(_directory, "x.db")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The setting port (from --port)", result.Error);
        Assert.Contains("The setting max-body (from --max-body)", result.Error);
        Assert.False(File.Exists(Path.Combine(_directory, "x.db")));
    }

    [Fact]
    public async Task Serve_Pbkdf2IterationsFlag_Exit2SayingBcryptCostReplacedIt()
    {
        var result = await CliRunner.RunAsync(["serve", "--pbkdf2-iterations", "600000", "--db", Path.Combine(_directory, "x.db"), "--config", WriteEmptyConfig()]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The setting pbkdf2-iterations (from --pbkdf2-iterations) was replaced by bcrypt-cost", result.Error);
        Assert.False(File.Exists(Path.Combine(_directory, "x.db")));
    }

    [Fact]
    public async Task UserCreate_Pbkdf2IterationsVariable_Exit2SayingBcryptCostReplacedIt()
    {
        var result = await CliRunner.RunAsync(["user", "create", "alice", "--password-stdin", "--db", Path.Combine(_directory, "x.db"), "--config", WriteEmptyConfig()],
            "Tr0ub4dor&3-horse\n", new Dictionary<string, string> { ["CHATIRE_PBKDF2_ITERATIONS"] = "1000" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The setting pbkdf2-iterations (from CHATIRE_PBKDF2_ITERATIONS) was replaced by bcrypt-cost", result.Error);
        Assert.False(File.Exists(Path.Combine(_directory, "x.db")));
    }

    [Fact]
    public async Task ConfigPrint_BcryptCost_ShownWithItsSource()
    {
        var defaults = await CliRunner.RunAsync(["config", "print", "--config", WriteEmptyConfig()]);
        var fromVariable = await CliRunner.RunAsync(["config", "print", "--config", WriteEmptyConfig()],
            environment: new Dictionary<string, string> { ["CHATIRE_BCRYPT_COST"] = "12" });

        Assert.Equal(0, defaults.ExitCode);
        Assert.Matches(@"^bcrypt-cost +10 +default", defaults.Out.Split('\n').Single(l => l.StartsWith("bcrypt-cost ", StringComparison.Ordinal)));
        Assert.Matches(@"^bcrypt-cost +12 +env CHATIRE_BCRYPT_COST", fromVariable.Out.Split('\n').Single(l => l.StartsWith("bcrypt-cost ", StringComparison.Ordinal)));
        Assert.DoesNotContain("pbkdf2", defaults.Out + defaults.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConfigPrint_EnvAndFlag_SaysWhereThePortCameFrom()
    {
        var result = await CliRunner.RunAsync(["config", "print", "--port", "9100", "--config", WriteEmptyConfig()],
            environment: new Dictionary<string, string> { ["CHATIRE_PORT"] = "9000", ["CHATIRE_LOG_LEVEL"] = "debug" });

        Assert.Equal(0, result.ExitCode);
        var portLine = result.Out.Split('\n').Single(l => l.StartsWith("port ", StringComparison.Ordinal));
        Assert.Contains("9100", portLine);
        Assert.Contains("flag --port", portLine);
        Assert.Contains("env CHATIRE_LOG_LEVEL", result.Out.Split('\n').Single(l => l.StartsWith("log-level ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Help_EveryCommand_HasExamples()
    {
        foreach (var command in new[] { "serve", "user", "user create", "user list", "token", "config print" })
        {
            var result = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Examples:", result.Out);
        }
    }

    [Theory]
    [InlineData("user list")]
    [InlineData("user deactivate")]
    [InlineData("user activate")]
    [InlineData("user delete")]
    [InlineData("token list")]
    [InlineData("token revoke")]
    [InlineData("db backup")]
    [InlineData("db check")]
    public async Task Help_DataCommand_ListsOnlyTheDatabaseSetting(string command)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--db", result.Out);
        Assert.DoesNotContain("--bcrypt-cost", result.Out);
        Assert.DoesNotContain("--port", result.Out);
        Assert.DoesNotContain("--token-lifetime", result.Out);
    }

    [Theory]
    [InlineData("user create", "--bcrypt-cost")]
    [InlineData("user set-password", "--bcrypt-cost")]
    [InlineData("token create", "--token-lifetime")]
    [InlineData("serve", "--port")]
    public async Task Help_Command_ListsTheSettingItUses(string command, string flag)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(flag, result.Out);
        Assert.Equal(command == "serve", result.Out.Contains("--max-body", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Typo_Server_SaysUnrecognizedFirstAndSuggestsServe()
    {
        var result = await CliRunner.RunAsync(["server"]);

        Assert.Equal(2, result.ExitCode);
        var first = result.Error.Split('\n')[0];
        Assert.Contains("'server'", first);
        Assert.Contains("Did you mean 'serve'?", first);
    }

    [Fact]
    public async Task Serve_IPv6Host_RefusedBeforeBinding()
    {
        var result = await CliRunner.RunAsync(["serve", "--host", "::", "--db", Path.Combine(_directory, "x.db")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The setting host cannot be an IPv6 address", result.Error);
        Assert.False(File.Exists(Path.Combine(_directory, "x.db")));
    }

    [Fact]
    public async Task UnknownCommand_Exit2()
    {
        var result = await CliRunner.RunAsync(["frobnicate"]);

        Assert.Equal(2, result.ExitCode);
    }

    private string WriteEmptyConfig()
    {
        var path = Path.Combine(_directory, "empty.json");
        File.WriteAllText(path, "{}");
        return path;
    }

    private static async Task<HttpStatusCode> WaitForHealthAsync(HttpClient http, Task serving)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (serving.IsCompleted)
            {
                throw new InvalidOperationException("serve exited before answering /health.");
            }

            try
            {
                return (await http.GetAsync("/health", deadline.Token)).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Yield();
                await Task.Delay(20, deadline.Token);
            }
        }
    }
}
