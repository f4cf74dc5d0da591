using Chatire.Configuration;

namespace Chatire.Cli;

/// <summary>The settings each command reads: its --help lists exactly these (and --config). A command
/// names one of these sets, so adding, renaming or dropping a setting changes one line here.</summary>
public static class CommandSettings
{
    /// <summary><c>serve</c> and <c>config print</c>: every setting.</summary>
    public static IReadOnlyList<SettingDefinition> Server => SettingNames.All;

    /// <summary>Commands that read or change stored data only (<c>user list|deactivate|activate|delete</c>, <c>token list|revoke</c>, <c>db</c>).</summary>
    public static IReadOnlyList<SettingDefinition> Data { get; } = [SettingNames.Db];

    /// <summary>Commands that hash a new password (<c>user create|set-password</c>).</summary>
    public static IReadOnlyList<SettingDefinition> Passwords { get; } = [SettingNames.Db, SettingNames.BcryptCost];

    /// <summary><c>token create</c>: the default lifetime of a new token.</summary>
    public static IReadOnlyList<SettingDefinition> Tokens { get; } = [SettingNames.Db, SettingNames.TokenLifetime];
}
