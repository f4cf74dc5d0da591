using System.CommandLine;
using System.Runtime.InteropServices;
using Chatire.Configuration;
using Chatire.Hosting;
using Chatire.Storage;

namespace Chatire.Cli;

/// <summary><c>chatire serve</c>: run the server until Ctrl-C or SIGTERM.</summary>
public static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("serve", """
            Run the chat server (HTTP API, WebSockets and the web client) until Ctrl-C or SIGTERM.
            The database file is created when missing.

            Examples:
              chatire serve --port 8000
              chatire serve --host 127.0.0.1 --port 8000 --cors-origins https://chat.example.com
              chatire serve --ws-port 8081 --ws-anonymous --refresh-path /this/is/hard/to/find/
              CHATIRE_DB=/var/lib/chatire/chatire.db chatire serve --log-format json
            """);
        var settings = SettingOptions.AddTo(command, CommandSettings.Server);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (_, resolved) = settings.Resolve(parseResult, console);
            return await RunAsync(resolved, console, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(ChatireSettings settings, CliConsole console, CancellationToken cancellationToken)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onCancel = cancellationToken.Register(() => stop.TrySetResult());
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });

        ChatireServer server;
        try
        {
            server = await ChatireServer.StartAsync(settings).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ServerStartException or DatabaseException)
        {
            await console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await stop.Task.ConfigureAwait(false);
        await server.DisposeAsync().ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
