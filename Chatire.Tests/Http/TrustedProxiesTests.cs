using System.Net;
using Chatire.Http;

namespace Chatire.Tests.Http;

public sealed class TrustedProxiesTests
{
    private static readonly TrustedProxies Proxies = new([IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")]);

    private static string Client(string peer, string? forwardedFor, TrustedProxies? proxies = null) =>
        (proxies ?? Proxies).ClientAddress(IPAddress.Parse(peer), forwardedFor).ToString();

    [Theory]
    [InlineData("127.0.0.1", "203.0.113.7", "203.0.113.7")]
    [InlineData("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7")]
    [InlineData("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3, 10.9.9.9", "203.0.113.7")]
    [InlineData("127.0.0.1", "6.6.6.6,203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:127.0.0.1", "2001:db8::7", "2001:db8::7")]
    [InlineData("fd00::1", "203.0.113.7:4711", "203.0.113.7")]
    [InlineData("fd00::1", "[2001:db8::7]:4711", "2001:db8::7")]
    [InlineData("127.0.0.1", "::ffff:203.0.113.7", "203.0.113.7")]
    public void ClientAddress_TrustedPeer_IsRightMostUntrustedEntry(string peer, string header, string expected) =>
        Assert.Equal(expected, Client(peer, header));

    [Theory]
    [InlineData("198.51.100.1", "203.0.113.7")]
    [InlineData("198.51.100.1", "203.0.113.7, 10.1.2.3")]
    [InlineData("::ffff:198.51.100.1", "203.0.113.7")]
    public void ClientAddress_UntrustedPeer_IgnoresHeader(string peer, string header) =>
        Assert.Equal(TrustedProxies.Normalize(IPAddress.Parse(peer)).ToString(), Client(peer, header));

    [Fact]
    public void ClientAddress_NoProxiesConfigured_IsAlwaysThePeer() =>
        Assert.Equal("127.0.0.1", Client("127.0.0.1", "203.0.113.7", TrustedProxies.None));

    [Theory]
    [InlineData(null, "127.0.0.1")]
    [InlineData("", "127.0.0.1")]
    [InlineData(" , ", "127.0.0.1")]
    [InlineData("garbage", "127.0.0.1")]
    [InlineData("unknown", "127.0.0.1")]
    [InlineData("203.0.113.7, garbage", "127.0.0.1")]
    [InlineData("203.0.113.7, 10.1.2.3, garbage", "127.0.0.1")]
    [InlineData("6.6.6.6, garbage, 10.1.2.3", "10.1.2.3")]
    [InlineData("garbage, 203.0.113.7", "203.0.113.7")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("0x7f.0.0.1", "127.0.0.1")]
    [InlineData("3405803783", "127.0.0.1")]
    [InlineData("999.1.1.1", "127.0.0.1")]
    [InlineData("203.0.113.7:", "127.0.0.1")]
    [InlineData("203.0.113.7:99999", "127.0.0.1")]
    [InlineData("10.1.2.3, 10.4.5.6", "10.1.2.3")]
    public void ClientAddress_MalformedOrAllTrusted_StopsAtLastTrustedHop(string? header, string expected) =>
        Assert.Equal(expected, Client("127.0.0.1", header));
}
