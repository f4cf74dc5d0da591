namespace Chatire.Configuration;

/// <summary>
/// One setting: its kebab-case name gives the flag (<c>--name</c>), the environment variable
/// (<c>CHATIRE_NAME</c>) and the appsettings.json key (<c>Name</c> in PascalCase under "Chatire").
/// </summary>
public sealed record SettingDefinition(string Name, string Default, string Description, bool IsSwitch = false, bool IsSecret = false)
{
    public string Flag => "--" + Name;

    public string EnvironmentVariable => "CHATIRE_" + Name.Replace('-', '_').ToUpperInvariant();

    public string JsonKey => string.Concat(Name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
