namespace Chatire.Cli;

/// <summary>Ends a command with a sentence for the user and an exit code.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
