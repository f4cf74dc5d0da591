using System.CommandLine;

namespace Chatire.Cli;

/// <summary>Builds the command tree and runs it.</summary>
public static class CliApplication
{
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("""
            Chatire: a real-time chat server in one executable (HTTP API, WebSockets, SQLite).

            Examples:
              chatire serve --port 8000
              chatire user create alice --email alice@example.com
              chatire config print
            """);
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(UserCommand.Create(console));
        root.Subcommands.Add(TokenCommand.Create(console));
        root.Subcommands.Add(ConfigCommand.Create(console));
        root.Subcommands.Add(DbCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };

        if (parseResult.Errors.Count > 0)
        {
            foreach (var message in ParseErrors.Describe(parseResult))
            {
                await console.Error.WriteLineAsync(message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'chatire --help' (or the command with --help) for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
    }
}
