namespace Chatire.Configuration;

/// <summary>A setting that was removed, and the one that took its place.</summary>
public sealed record RetiredSetting(SettingDefinition Setting, SettingDefinition ReplacedBy, string Why)
{
    /// <summary>The sentence that stops a command given this setting; <paramref name="origin"/> is the flag,
    /// variable or file it came from.</summary>
    public string Refusal(string origin) =>
        $"The setting {Setting.Name} (from {origin}) was replaced by {ReplacedBy.Name}: {Why}. " +
        $"Remove it, and set {ReplacedBy.Flag}, {ReplacedBy.EnvironmentVariable} or \"{ReplacedBy.JsonKey}\" if the default ({ReplacedBy.Default}) does not suit.";
}
