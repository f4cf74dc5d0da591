namespace Chatire.Cli;

/// <summary>The console a command talks to; tests swap in buffers and their own environment.</summary>
public sealed class CliConsole(TextReader input, TextWriter output, TextWriter error, Func<string, string?> lookupEnvironment, bool interactive)
{
    public static CliConsole System { get; } = new(Console.In, Console.Out, Console.Error, global::System.Environment.GetEnvironmentVariable,
        !Console.IsInputRedirected && !Console.IsOutputRedirected);

    public TextReader In { get; } = input;
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public Func<string, string?> Environment { get; } = lookupEnvironment;

    /// <summary>True when a person is at the terminal (prompts are possible).</summary>
    public bool IsInteractive { get; } = interactive;

    /// <summary>Reads a line without echoing it (a password). Only on an interactive terminal.</summary>
    public string ReadSecret(string prompt)
    {
        Error.Write(prompt);
        var secret = new global::System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }

        Error.WriteLine();
        return secret.ToString();
    }
}
