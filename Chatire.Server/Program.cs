using Chatire.Cli;

return await CliApplication.RunAsync(args, CliConsole.System).ConfigureAwait(false);
