using Chatire.Configuration;

namespace Chatire.Tests.Foundation;

public sealed class SettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatire-settings").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SettingValues Load(string? config, Dictionary<string, string> env, Dictionary<SettingDefinition, string> flags, List<string> errors) =>
        SettingsLoader.Load(config, flags, name => env.GetValueOrDefault(name), errors);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_FlagEnvFile_FlagWins()
    {
        var config = WriteConfig("""{ "Chatire": { "Port": 7000, "Db": "file.db", "LogLevel": "warning" } }""");
        var errors = new List<string>();

        var values = Load(config, new() { ["CHATIRE_PORT"] = "9000", ["CHATIRE_DB"] = "env.db" }, new() { [SettingNames.Port] = "9100" }, errors);
        var settings = SettingsParser.Parse(values, errors);

        Assert.Empty(errors);
        Assert.Equal(9100, settings.Port);
        Assert.Equal(SettingSource.Flag, values.SourceOf(SettingNames.Port));
        Assert.Equal("env.db", settings.DatabasePath);
        Assert.Equal(SettingSource.Environment, values.SourceOf(SettingNames.Db));
        Assert.Equal("warning", settings.LogLevel);
        Assert.Equal(SettingSource.ConfigFile, values.SourceOf(SettingNames.LogLevel));
        Assert.Equal(SettingSource.Default, values.SourceOf(SettingNames.MaxFrame));
    }

    [Fact]
    public void Parse_Defaults_MatchTheContract()
    {
        var errors = new List<string>();
        var settings = SettingsParser.Parse(new SettingValues(), errors);

        Assert.Empty(errors);
        Assert.Equal(8000, settings.Port);
        Assert.Equal("chatire.db", settings.DatabasePath);
        Assert.Equal(TimeSpan.FromHours(24), settings.TokenLifetime);
        Assert.Equal(TimeSpan.FromMinutes(60), settings.AccessLifetime);
        Assert.Equal(TimeSpan.FromDays(1), settings.RefreshLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.PingInterval);
        Assert.Equal(64 * 1024, settings.MaxBodyBytes);
        Assert.Equal(16 * 1024, settings.MaxFrameBytes);
        Assert.Equal(10, settings.BcryptCost);
        Assert.Equal("FULL", settings.Synchronous);
        Assert.True(settings.RegistrationOpen);
        Assert.True(settings.WebClient);
        Assert.Empty(settings.CorsOrigins);
    }

    [Theory]
    [InlineData("port", "70000", "The setting port (from --port) must be a whole number from 1 to 65535")]
    [InlineData("token-lifetime", "soon", "The setting token-lifetime (from --token-lifetime) must be a duration")]
    [InlineData("max-body", "lots", "The setting max-body (from --max-body) must be a size")]
    [InlineData("registration", "maybe", "The setting registration (from --registration) must be one of open, closed")]
    [InlineData("cors-origins", "example.com", "which is not an origin")]
    [InlineData("log-format", "xml", "must be one of text, json")]
    [InlineData("durability", "off", "must be one of full, normal")]
    [InlineData("refresh-path", "no-slash", "must be a path")]
    [InlineData("bcrypt-cost", "3", "The setting bcrypt-cost (from --bcrypt-cost) must be a whole number from 4 to 31, not \"3\"")]
    [InlineData("bcrypt-cost", "32", "must be a whole number from 4 to 31")]
    [InlineData("bcrypt-cost", "ten", "must be a whole number from 4 to 31")]
    public void Parse_BadFlag_GivesSentenceNamingTheSetting(string name, string value, string expected)
    {
        var definition = SettingNames.All.Single(d => d.Name == name);
        var errors = new List<string>();
        var values = Load(null, [], new() { [definition] = value }, errors);

        SettingsParser.Parse(values, errors);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BadEnvironmentValue_NamesTheVariable()
    {
        var errors = new List<string>();
        var values = Load(null, new() { ["CHATIRE_PING_INTERVAL"] = "-1" }, [], errors);

        SettingsParser.Parse(values, errors);

        Assert.Contains(errors, e => e.Contains("CHATIRE_PING_INTERVAL", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownKeyInFile_IsAnError()
    {
        var config = WriteConfig("""{ "Chatire": { "Prot": 8000 } }""");
        var errors = new List<string>();

        Load(config, [], [], errors);

        Assert.Contains(errors, e => e.Contains("unknown setting \"Prot\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BcryptCostFromEachSource_Applies()
    {
        var config = WriteConfig("""{ "Chatire": { "BcryptCost": 11 } }""");
        var errors = new List<string>();

        var fromFile = SettingsParser.Parse(Load(config, [], [], errors), errors);
        var fromEnvironment = SettingsParser.Parse(Load(config, new() { ["CHATIRE_BCRYPT_COST"] = "12" }, [], errors), errors);
        var fromFlag = SettingsParser.Parse(Load(config, new() { ["CHATIRE_BCRYPT_COST"] = "12" }, new() { [SettingNames.BcryptCost] = "4" }, errors), errors);

        Assert.Empty(errors);
        Assert.Equal(11, fromFile.BcryptCost);
        Assert.Equal(12, fromEnvironment.BcryptCost);
        Assert.Equal(4, fromFlag.BcryptCost);
    }

    [Fact]
    public void Load_Pbkdf2IterationsFlag_RefusedNamingBcryptCost()
    {
        var retired = SettingNames.Retired.Single(r => r.Setting.Name == "pbkdf2-iterations");
        var errors = new List<string>();

        Load(null, [], new() { [retired.Setting] = "600000" }, errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("The setting pbkdf2-iterations (from --pbkdf2-iterations) was replaced by bcrypt-cost", error);
        Assert.Contains("--bcrypt-cost", error);
    }

    [Fact]
    public void Load_Pbkdf2IterationsVariable_RefusedNamingBcryptCost()
    {
        var errors = new List<string>();

        Load(null, new() { ["CHATIRE_PBKDF2_ITERATIONS"] = "600000" }, [], errors);

        Assert.StartsWith("The setting pbkdf2-iterations (from CHATIRE_PBKDF2_ITERATIONS) was replaced by bcrypt-cost", Assert.Single(errors));
    }

    [Fact]
    public void Load_Pbkdf2IterationsFileKey_RefusedNamingBcryptCost()
    {
        var config = WriteConfig("""{ "Chatire": { "Pbkdf2Iterations": 600000 } }""");
        var errors = new List<string>();

        Load(config, [], [], errors);

        var error = Assert.Single(errors);
        Assert.StartsWith($"The setting pbkdf2-iterations (from {config}) was replaced by bcrypt-cost", error);
        Assert.DoesNotContain("unknown setting", error);
    }

    [Fact]
    public void Load_MissingExplicitConfig_IsAnError()
    {
        var errors = new List<string>();

        Load(Path.Combine(_directory, "nope.json"), [], [], errors);

        Assert.Contains(errors, e => e.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_HideDefaultRefreshWithoutAlias_IsRefused()
    {
        var errors = new List<string>();
        var values = Load(null, [], new() { [SettingNames.HideDefaultRefresh] = "true" }, errors);

        SettingsParser.Parse(values, errors);

        Assert.Contains(errors, e => e.Contains("needs refresh-path", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("24h", 86400)]
    [InlineData("30d", 2592000)]
    [InlineData("0s", 0)]
    public void TryParseDuration_Forms_Parse(string text, int seconds)
    {
        Assert.True(SettingParsers.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Fact]
    public void TryParseDuration_Milliseconds_Parse()
    {
        Assert.True(SettingParsers.TryParseDuration("500ms", out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(500), duration);
    }

    [Theory]
    [InlineData("64KiB", 65536)]
    [InlineData("1MiB", 1048576)]
    [InlineData("256B", 256)]
    public void TryParseSize_Forms_Parse(string text, long bytes)
    {
        Assert.True(SettingParsers.TryParseSize(text, out var size));
        Assert.Equal(bytes, size);
    }

    // Regression (a new operator's first ten minutes): forms the README does not list were accepted and guessed at.
    [Theory]
    [InlineData("token-lifetime", "1w")]
    [InlineData("access-lifetime", "90")]
    [InlineData("access-lifetime", "01:00:00")]
    [InlineData("token-lifetime", "1.5d")]
    [InlineData("ping-interval", "30S")]
    [InlineData("max-body", "64kb")]
    [InlineData("max-body", "65536")]
    [InlineData("max-frame", "2k")]
    [InlineData("max-frame", "1GiB")]
    public void Parse_UndocumentedForm_IsRefusedWithTheDocumentedForms(string setting, string value)
    {
        var definition = SettingNames.All.Single(d => d.Name == setting);
        var values = new SettingValues();
        values.Set(definition, value, SettingSource.Flag);
        var errors = new List<string>();

        SettingsParser.Parse(values, errors);

        var error = Assert.Single(errors);
        Assert.Contains($"The setting {setting} (from --{setting})", error);
        Assert.Contains(value, error);
        Assert.Contains(definition.Name.StartsWith("max-", StringComparison.Ordinal) ? "KiB" : "ms, s, m, h or d", error);
    }
}
