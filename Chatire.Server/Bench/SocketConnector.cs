using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Chatire.Bench;

/// <summary>
/// Opens WebSockets, spreading them over several loopback source addresses (127.0.0.1, .2, ...)
/// when there are more than one address's ephemeral ports. ClientWebSocket cannot bind a source
/// address itself, so the connection is made by a ConnectCallback and handed to
/// <c>ClientWebSocket.ConnectAsync(uri, invoker, ct)</c>.
/// </summary>
public sealed class SocketConnector : IDisposable
{
    /// <summary>Sockets put on one source address before the next is used (the ephemeral range is about 28,000).</summary>
    public const int SocketsPerAddress = 20_000;

    // Linux: let connect() choose the port for a bound address, so ports are shared across destinations.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly HttpMessageInvoker _invoker;
    private readonly IPAddress[] _sources;
    private int _next;

    public SocketConnector(BenchTarget target, int expectedSockets)
    {
        var count = target.IsLoopback ? Math.Max(1, (expectedSockets + SocketsPerAddress - 1) / SocketsPerAddress) : 0;
        _sources = Enumerable.Range(1, count).Select(i => new IPAddress([127, 0, (byte)(i >> 8), (byte)(i & 0xFF)])).ToArray();
        var handler = new SocketsHttpHandler { UseProxy = false, UseCookies = false, ConnectCallback = ConnectAsync };
        _invoker = new HttpMessageInvoker(handler);
    }

    public int SourceAddresses => Math.Max(1, _sources.Length);

    /// <summary>The loopback source address for the next socket, or null to let the system choose.</summary>
    public IPAddress? NextSource() =>
        _sources.Length == 0 ? null : _sources[(int)((uint)Interlocked.Increment(ref _next) / SocketsPerAddress % (uint)_sources.Length)];

    public async Task<ClientWebSocket> OpenAsync(Uri uri, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetBuffer(4096, 4096);
        try
        {
            await socket.ConnectAsync(uri, _invoker, ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (NextSource() is { } source)
            {
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                }

                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(Resolve(context.DnsEndPoint), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A ConnectCallback for HTTP clients: IPv4 with Nagle off.</summary>
    public static async ValueTask<Stream> PlainConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = Resolve(context.DnsEndPoint);
        var socket = new Socket(endpoint.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static EndPoint Resolve(DnsEndPoint endpoint) =>
        IPAddress.TryParse(endpoint.Host, out var address) ? new IPEndPoint(address, endpoint.Port)
        : endpoint.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, endpoint.Port)
        : endpoint;

    public void Dispose() => _invoker.Dispose();
}
