using Chatire.Cli;

namespace Chatire.Tests.Infrastructure;

/// <summary>Runs the real CLI in-process with captured output, given standard input and environment.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(string[] args, string stdin = "", IDictionary<string, string>? environment = null, bool interactive = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = environment ?? new Dictionary<string, string>();
        var console = new CliConsole(new StringReader(stdin), output, error, name => env.TryGetValue(name, out var value) ? value : null, interactive);
        var code = await CliApplication.RunAsync(args, console);
        return new Result(code, output.ToString(), error.ToString());
    }
}
