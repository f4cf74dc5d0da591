namespace Chatire.Configuration;

/// <summary>Where the effective value of a setting came from, lowest precedence first.</summary>
public enum SettingSource
{
    Default,
    ConfigFile,
    Environment,
    Flag,
}
