using System.Net;
using System.Net.Sockets;

namespace Chatire.Http;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c> is believed. For a request from one of them the client is the
/// right-most address in the header that is not itself a trusted proxy; for any other peer the header is
/// ignored, so a client cannot choose its own address for throttling and logs.
/// </summary>
public sealed class TrustedProxies(IReadOnlyList<IPNetwork> networks)
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public static TrustedProxies None { get; } = new([]);

    public bool Contains(IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The client address of a request from <paramref name="peer"/>. The header is read from the right, each
    /// entry having been appended by the hop to its right; the walk stops at the first address that is not a
    /// trusted proxy. An entry that is not an address ends the walk too (what lies left of it was written by
    /// someone the walk cannot vouch for), and the last trusted hop stands as the client.
    /// </summary>
    public IPAddress ClientAddress(IPAddress peer, string? forwardedFor)
    {
        var client = Normalize(peer);
        if (networks.Count == 0 || string.IsNullOrEmpty(forwardedFor) || !Contains(client))
        {
            return client;
        }

        var entries = forwardedFor.AsSpan();
        while (entries.Length > 0)
        {
            var comma = entries.LastIndexOf(',');
            var entry = entries[(comma + 1)..].Trim();
            entries = comma < 0 ? [] : entries[..comma];
            if (!TryParseEntry(entry, out var hop))
            {
                break;
            }

            client = hop;
            if (!Contains(hop))
            {
                break;
            }
        }

        return client;
    }

    /// <summary>An address as proxies write it: 203.0.113.7, 2001:db8::7, or with a port (203.0.113.7:4711,
    /// [2001:db8::7]:4711). IPv4 must be a plain dotted quad; other spellings that parsers accept are refused.</summary>
    private static bool TryParseEntry(ReadOnlySpan<char> entry, out IPAddress address)
    {
        address = IPAddress.None;
        if (entry.IsEmpty || entry.Length > 64)
        {
            return false;
        }

        if (IPAddress.TryParse(entry, out var parsed) && IsCanonical(parsed, entry))
        {
            address = Normalize(parsed);
            return true;
        }

        if (IPEndPoint.TryParse(entry, out var endPoint) && endPoint.Port != 0)
        {
            var host = endPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 && entry[0] == '['
                ? entry[1..entry.IndexOf(']')]
                : entry[..entry.LastIndexOf(':')];
            if (IsCanonical(endPoint.Address, host))
            {
                address = Normalize(endPoint.Address);
                return true;
            }
        }

        return false;
    }

    /// <summary>IPv4 only as a dotted quad (not "1", "0x7f.1" or "127.1"); IPv6 as any form that parses.</summary>
    private static bool IsCanonical(IPAddress address, ReadOnlySpan<char> text) =>
        address.AddressFamily != AddressFamily.InterNetwork || text.SequenceEqual(address.ToString());

    /// <summary>IPv4 clients on a dual-stack socket read as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
