using System.Text.Json;

namespace Chatire.Configuration;

/// <summary>Collects setting values: built-in defaults &lt; appsettings.json &lt; CHATIRE_* &lt; flags.</summary>
public static class SettingsLoader
{
    public const string DefaultConfigFileName = "appsettings.json";

    /// <summary>Loads the raw values. <paramref name="explicitConfig"/> must exist when given;
    /// otherwise appsettings.json is read from the working directory, then from beside the executable.</summary>
    public static SettingValues Load(
        string? explicitConfig,
        IReadOnlyDictionary<SettingDefinition, string> flags,
        Func<string, string?> environment,
        List<string> errors)
    {
        var values = new SettingValues();
        var configFile = explicitConfig ?? environment("CHATIRE_CONFIG") ?? FindDefaultConfig();
        if (!string.IsNullOrEmpty(configFile))
        {
            if (File.Exists(configFile))
            {
                values.ConfigFile = Path.GetFullPath(configFile);
                ReadConfigFile(configFile, values, errors);
            }
            else if (explicitConfig is not null || environment("CHATIRE_CONFIG") is not null)
            {
                errors.Add($"The configuration file '{configFile}' does not exist.");
            }
        }

        foreach (var definition in SettingNames.All)
        {
            var fromEnvironment = environment(definition.EnvironmentVariable);
            if (fromEnvironment is not null)
            {
                values.Set(definition, fromEnvironment, SettingSource.Environment);
            }
        }

        foreach (var retired in SettingNames.Retired)
        {
            if (environment(retired.Setting.EnvironmentVariable) is not null)
            {
                errors.Add(retired.Refusal(retired.Setting.EnvironmentVariable));
            }
        }

        foreach (var (definition, value) in flags)
        {
            if (SettingNames.Retired.FirstOrDefault(r => r.Setting == definition) is { } retired)
            {
                errors.Add(retired.Refusal(definition.Flag));
                continue;
            }

            values.Set(definition, value, SettingSource.Flag);
        }

        return values;
    }

    private static string? FindDefaultConfig()
    {
        var inWorkingDirectory = Path.Combine(Directory.GetCurrentDirectory(), DefaultConfigFileName);
        if (File.Exists(inWorkingDirectory))
        {
            return inWorkingDirectory;
        }

        var besideExecutable = Path.Combine(AppContext.BaseDirectory, DefaultConfigFileName);
        return File.Exists(besideExecutable) ? besideExecutable : null;
    }

    private static void ReadConfigFile(string path, SettingValues values, List<string> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            errors.Add($"The configuration file '{path}' is not valid JSON: {ex.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"The configuration file '{path}' must hold a JSON object.");
                return;
            }

            var hasSection = root.TryGetProperty("Chatire", out var chatire);
            var section = hasSection ? chatire : root;
            if (section.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"The \"Chatire\" section of '{path}' must be a JSON object.");
                return;
            }

            var known = SettingNames.All.ToDictionary(d => d.JsonKey, StringComparer.OrdinalIgnoreCase);
            var retired = SettingNames.Retired.ToDictionary(r => r.Setting.JsonKey, StringComparer.OrdinalIgnoreCase);
            foreach (var property in section.EnumerateObject())
            {
                if (retired.TryGetValue(property.Name, out var replaced))
                {
                    errors.Add(replaced.Refusal(Path.GetFullPath(path)));
                    continue;
                }

                if (!known.TryGetValue(property.Name, out var definition))
                {
                    if (hasSection || property.Name != "$schema")
                    {
                        errors.Add($"The configuration file '{path}' has an unknown setting \"{property.Name}\".");
                    }

                    continue;
                }

                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => definition.Default,
                    JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                    _ => null,
                };
                if (text is null)
                {
                    errors.Add($"The setting \"{property.Name}\" in '{path}' must be a string, number, boolean or list.");
                    continue;
                }

                values.Set(definition, text, SettingSource.ConfigFile);
            }
        }
    }
}
