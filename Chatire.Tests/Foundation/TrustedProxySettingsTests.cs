using Chatire.Configuration;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Foundation;

public sealed class TrustedProxySettingsTests
{
    private static (ChatireSettings Settings, List<string> Errors) Parse(string value, SettingSource source = SettingSource.Flag)
    {
        var values = new SettingValues();
        values.Set(SettingNames.TrustedProxies, value, source);
        var errors = new List<string>();
        return (SettingsParser.Parse(values, errors), errors);
    }

    [Fact]
    public void TrustedProxies_Default_IsNone()
    {
        var errors = new List<string>();
        Assert.Empty(SettingsParser.Parse(new SettingValues(), errors).TrustedProxies);
        Assert.Empty(errors);
    }

    [Fact]
    public void TrustedProxies_AddressesAndRanges_Parse()
    {
        var (settings, errors) = Parse(" 10.0.0.0/8, 127.0.0.1 ,::1, fd00::/8,::ffff:192.0.2.1,0.0.0.0/0");

        Assert.Empty(errors);
        Assert.Equal(["10.0.0.0/8", "127.0.0.1/32", "::1/128", "fd00::/8", "192.0.2.1/32", "0.0.0.0/0"], settings.TrustedProxies.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("proxy.example", "is not an IP address such as 10.0.0.5 or ::1, nor a CIDR range such as 10.0.0.0/8")]
    [InlineData("127.1", "is not an IP address")]
    [InlineData("proxy/8", "is not an IP address")]
    [InlineData("10.0.0.0/x", "whose prefix length is not a whole number from 0 to 32")]
    [InlineData("10.0.0.0/33", "whose prefix length is not a whole number from 0 to 32")]
    [InlineData("10.0.0.0/", "whose prefix length is not a whole number from 0 to 32")]
    [InlineData("fd00::/129", "whose prefix length is not a whole number from 0 to 128")]
    [InlineData("10.1.2.3/8", "write the range's first address, such as 10.0.0.0/8")]
    [InlineData("fd00::1/8", "write the range's first address, such as fd00::/8")]
    public void TrustedProxies_BadValue_IsASentenceNamingItsSource(string value, string expected)
    {
        var (_, errors) = Parse("127.0.0.1," + value);

        var error = Assert.Single(errors);
        Assert.StartsWith($"The setting trusted-proxies (from --trusted-proxies) has \"{value}\"", error);
        Assert.Contains(expected, error);
        Assert.EndsWith(".", error);
    }

    [Fact]
    public async Task ConfigPrint_ShowsTrustedProxiesFromEnvironment()
    {
        var result = await CliRunner.RunAsync(["config", "print"], environment: new Dictionary<string, string> { ["CHATIRE_TRUSTED_PROXIES"] = "10.0.0.0/8,::1" });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Out.Split('\n'), line => line.StartsWith("trusted-proxies") && line.Contains("10.0.0.0/8,::1") && line.Contains("env CHATIRE_TRUSTED_PROXIES"));
    }

    [Fact]
    public async Task Serve_BadTrustedProxy_ExitsWithUsageErrorBeforeBinding()
    {
        var result = await CliRunner.RunAsync(["serve", "--port", "1", "--trusted-proxies", "10.0.0.1/8"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The setting trusted-proxies (from --trusted-proxies) has \"10.0.0.1/8\"", result.Error);
    }
}
