using Chatire.Core;
using System.CommandLine;
using Chatire.Configuration;

namespace Chatire.Cli;

/// <summary><c>chatire config print</c>: the effective settings and where each came from.</summary>
public static class ConfigCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Command("config", "Inspect settings.\n\nExamples:\n  chatire config print\n  CHATIRE_PORT=9000 chatire config print --port 9100");
        var print = new Command("print", """
            Print the effective value of every setting and where it came from
            (default < appsettings.json < CHATIRE_* environment < flag). Takes the same flags as serve.

            Examples:
              chatire config print
              chatire config print --config /etc/chatire/appsettings.json --port 9100
            """);
        var settings = SettingOptions.AddTo(print, CommandSettings.Server);
        print.SetAction(async (parseResult, _) =>
        {
            var (values, _) = settings.Resolve(parseResult, console);
            var table = new TextTable("SETTING", "VALUE", "SOURCE");
            foreach (var definition in SettingNames.All)
            {
                var source = values.SourceOf(definition) switch
                {
                    SettingSource.Flag => "flag " + definition.Flag,
                    SettingSource.Environment => "env " + definition.EnvironmentVariable,
                    SettingSource.ConfigFile => "file " + values.ConfigFile,
                    _ => "default",
                };
                var value = definition == SettingNames.Db ? DatabaseLocation.Mask(values[definition]) : values[definition];
                table.Add(definition.Name, definition.IsSecret && value.Length > 0 ? "********" : (value.Length == 0 ? "(none)" : value), source);
            }

            await console.Out.WriteAsync(table.Render()).ConfigureAwait(false);
            if (values.ConfigFile is null)
            {
                await console.Out.WriteLineAsync("No settings file was read.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        config.Subcommands.Add(print);
        return config;
    }
}
