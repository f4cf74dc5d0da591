namespace Chatire.Cli;

/// <summary>Gets a password without it ever being a flag value: --password-stdin, CHATIRE_PASSWORD,
/// or a prompt without echo, asked twice.</summary>
public static class PasswordInput
{
    public static string Read(CliConsole console, bool fromStdin)
    {
        if (fromStdin)
        {
            var line = console.In.ReadLine();
            if (string.IsNullOrEmpty(line))
            {
                throw new CliException("No password arrived on standard input.", ExitCodes.Usage);
            }

            return line.TrimEnd('\r');
        }

        if (console.Environment("CHATIRE_PASSWORD") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (!console.IsInteractive)
        {
            throw new CliException("No password given: use --password-stdin or set CHATIRE_PASSWORD when not at a terminal.", ExitCodes.Usage);
        }

        var first = console.ReadSecret("Password: ");
        var second = console.ReadSecret("Password (again): ");
        if (first != second)
        {
            throw new CliException("The two passwords didn't match.", ExitCodes.Usage);
        }

        return first;
    }
}
