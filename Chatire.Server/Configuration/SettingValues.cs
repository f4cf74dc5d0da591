namespace Chatire.Configuration;

/// <summary>The raw text of every setting and where it came from, before parsing.</summary>
public sealed class SettingValues
{
    private readonly Dictionary<SettingDefinition, (string Value, SettingSource Source)> _values = [];

    public SettingValues()
    {
        foreach (var definition in SettingNames.All)
        {
            _values[definition] = (definition.Default, SettingSource.Default);
        }
    }

    public string? ConfigFile { get; set; }

    public string this[SettingDefinition definition] => _values[definition].Value;

    public SettingSource SourceOf(SettingDefinition definition) => _values[definition].Source;

    public void Set(SettingDefinition definition, string value, SettingSource source) => _values[definition] = (value, source);
}
