using System.CommandLine;
using Chatire.Configuration;

namespace Chatire.Cli;

/// <summary>The command-line flags for settings, and their resolution into validated settings
/// (defaults &lt; appsettings.json &lt; CHATIRE_* &lt; flags).</summary>
public sealed class SettingOptions
{
    private readonly Dictionary<SettingDefinition, Option> _options = [];

    private readonly Option<string?> _config = new("--config")
    {
        Description = "Settings file (default: appsettings.json in the working directory, else beside the executable; or CHATIRE_CONFIG).",
        HelpName = "FILE",
    };

    private SettingOptions()
    {
    }

    /// <summary>Adds --config and the flags of <paramref name="definitions"/> to <paramref name="command"/>.</summary>
    public static SettingOptions AddTo(Command command, IEnumerable<SettingDefinition> definitions)
    {
        var result = new SettingOptions();
        command.Options.Add(result._config);

        foreach (var definition in definitions)
        {
            var description = $"{definition.Description} [default: {(definition.Default.Length == 0 ? "none" : definition.Default)}; env {definition.EnvironmentVariable}]";
            Option option = definition.IsSwitch
                ? new Option<bool?>(definition.Flag) { Description = description, Arity = ArgumentArity.ZeroOrOne }
                : new Option<string?>(definition.Flag) { Description = description, HelpName = HelpNameOf(definition) };
            command.Options.Add(option);
            result._options[definition] = option;
        }

        // A removed flag still parses where its replacement is taken, so the loader can say what replaced it.
        foreach (var retired in SettingNames.Retired.Where(r => result._options.ContainsKey(r.ReplacedBy)))
        {
            var option = new Option<string?>(retired.Setting.Flag) { Description = retired.Setting.Description, Hidden = true };
            command.Options.Add(option);
            result._options[retired.Setting] = option;
        }

        return result;
    }

    private static string HelpNameOf(SettingDefinition definition) => definition.Name switch
    {
        "port" or "ws-port" => "PORT",
        "db" or "log-file" => "FILE",
        "host" => "HOST",
        _ when definition.Default.EndsWith("KiB", StringComparison.Ordinal) => "SIZE",
        _ when definition.Default.Length > 0 && char.IsLetter(definition.Default[^1]) && char.IsDigit(definition.Default[0]) => "DURATION",
        _ => "VALUE",
    };

    /// <summary>The raw values with their sources; errors collects sentences.</summary>
    public SettingValues Load(ParseResult parseResult, CliConsole console, List<string> errors)
    {
        var flags = new Dictionary<SettingDefinition, string>();
        foreach (var (definition, option) in _options)
        {
            switch (option)
            {
                case Option<bool?> flag when parseResult.GetValue(flag) is { } on:
                    flags[definition] = on ? "true" : "false";
                    break;
                case Option<string?> text when parseResult.GetValue(text) is { } value:
                    flags[definition] = value;
                    break;
            }
        }

        return SettingsLoader.Load(parseResult.GetValue(_config), flags, console.Environment, errors);
    }

    /// <summary>Loads and validates; prints every problem and throws a usage error when any.</summary>
    public (SettingValues Values, ChatireSettings Settings) Resolve(ParseResult parseResult, CliConsole console)
    {
        var errors = new List<string>();
        var values = Load(parseResult, console, errors);
        var settings = SettingsParser.Parse(values, errors);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                console.Error.WriteLine(error);
            }

            throw new CliException($"{errors.Count} setting{(errors.Count == 1 ? " is" : "s are")} invalid; nothing was started.", ExitCodes.Usage);
        }

        return (values, settings);
    }
}
