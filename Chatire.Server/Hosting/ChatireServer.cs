using Chatire.Api;
using Chatire.Auth;
using Chatire.Chat;
using Chatire.Cluster;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Http;
using Chatire.Observability;
using Chatire.Realtime;
using Chatire.Storage;
using Chatire.Web;
using Serilog;

namespace Chatire.Hosting;

/// <summary>
/// The composition root: builds every object by hand, starts the listeners, and stops in order
/// (sockets get 1001, requests in flight finish, the database closes). Embeddable:
/// <c>await using var server = await ChatireServer.StartAsync(settings);</c>
/// </summary>
public sealed class ChatireServer : IAsyncDisposable
{
    private readonly List<ListenerHost> _listeners = [];
    private readonly Housekeeping _housekeeping;
    private readonly bool _ownsLogger;
    private int _stopped;

    private ChatireServer(ChatireSettings settings, ServerOptions options, ILogger log, bool ownsLogger)
    {
        Settings = settings;
        Clock = options.Clock;
        Log = log;
        _ownsLogger = ownsLogger;
        Options = options;

        Database = Database.Open(settings.DatabasePath, settings.Synchronous);
        Users = new UserStore(Database);
        TokenStore = new TokenStore(Database);
        Tokens = new TokenService(Database, TokenStore, Users, settings, Clock);
        Hasher = new PasswordHasher(settings.Pbkdf2Iterations);
        Metrics = new Metrics();
        var messages = new MessageStore(Database);
        if (Database is PostgresDatabase postgres)
        {
            Bus = new ClusterBus(postgres, messages, log);
            Heartbeat = new NodeHeartbeat(postgres, Bus.Node, log);
            Presence = new ClusterPresence(postgres, Bus.Node, log);
            Heartbeat.AfterBeat = Presence.SweepDeadNodes;
        }

        Chats = new ChatService(Database, new ChatStore(Database), messages, Users,
            new MessageRateLimiter(settings.MessageRate, settings.MessageBurst, Clock), Clock, Bus);
        Chats.OnMessageStored(Metrics.MessageStored);
        Hub = new Hub(settings, Tokens, Users, Chats, Metrics, Presence);

        // With several nodes, another node's post could be missing from this node's copy for a moment:
        // history is read from the database.
        History = new HistoryCache(Chats, Users, Bus is null ? HistoryCache.DefaultChatCapacity : 0);
        Chats.Subscribe(new ChatEventFanout(Hub, History), Bus);
        if (Bus is null)
        {
            Tokens.Subscribe(Hub);
        }
        else
        {
            Tokens.Subscribe(new SessionEventFanout(Hub, Bus));
            Bus.Attach(Hub, Tokens.InvalidateCache, () => Hub.ChatIds, Metrics.BusDelivered);
            Bus.AttachPresence(Hub);
            Metrics.TrackCluster(() => Heartbeat!.Nodes);
        }

        _housekeeping = new Housekeeping(Tokens, log, options.HousekeepingInterval);
        _housekeeping.OnTick(Hub.CheckSocketsAsync);
    }

    public ChatireSettings Settings { get; }
    public ServerOptions Options { get; }
    public IClock Clock { get; }
    public ILogger Log { get; }
    public Database Database { get; }
    public UserStore Users { get; }
    public TokenStore TokenStore { get; }
    public TokenService Tokens { get; }
    public PasswordHasher Hasher { get; }
    public Metrics Metrics { get; }
    public HistoryCache History { get; }
    public PasswordWorkers? Passwords { get; private set; }
    public LoginThrottle? LoginThrottle { get; private set; }
    public ChatService Chats { get; }

    /// <summary>The fan-out between nodes (PostgreSQL only).</summary>
    public ClusterBus? Bus { get; }

    public NodeHeartbeat? Heartbeat { get; }

    public ClusterPresence? Presence { get; }
    public Hub Hub { get; }

    /// <summary>The route table the main port serves.</summary>
    public IReadOnlyList<Route> RouteTable { get; private set; } = [];

    /// <summary>The main port actually bound.</summary>
    public int Port => _listeners[0].Port;

    /// <summary>The WebSocket-only port, when configured.</summary>
    public int? WsPort => _listeners.Count > 1 ? _listeners[1].Port : null;

    /// <summary>http://127.0.0.1:port (or the configured host) — for clients on this machine.</summary>
    public Uri BaseAddress => new($"http://{(Settings.Host is "+" or "localhost" ? "127.0.0.1" : Settings.Host)}:{Port}/");

    public static Task<ChatireServer> StartAsync(ChatireSettings settings, ServerOptions? options = null)
    {
        options ??= new ServerOptions();
        var ownsLogger = options.Logger is null;
        var log = options.Logger ?? Logging.Create(settings);
        ChatireServer? server = null;
        try
        {
            server = new ChatireServer(settings, options, log, ownsLogger);
            server.Start();
            return Task.FromResult(server);
        }
        catch
        {
            if (server is not null)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            else if (ownsLogger)
            {
                (log as IDisposable)?.Dispose();
            }

            throw;
        }
    }

    private void Start()
    {
        if (Bus is not null)
        {
            Bus.Start();
            Presence!.Start();
            Heartbeat!.Start();

            // Serve once the node hears the cluster, so nothing stored meanwhile is missed by its sockets.
            if (!Bus.Ready.Wait(TimeSpan.FromSeconds(10)))
            {
                Log.Warning("The cluster bus is not connected yet; serving anyway");
            }
        }

        Passwords = new PasswordWorkers();
        LoginThrottle = new LoginThrottle(Settings, Clock, Bus is null ? null : new LoginFailureStore(Database));
        var logins = new LoginService(Users, Tokens, Hasher, Passwords, LoginThrottle, Clock, Log);
        var accounts = new AccountsApi(Settings, new AccountService(Users, Tokens, Hasher, Clock, Passwords), Users, Tokens, logins);
        var tokens = new TokensApi(logins, Tokens);
        var chats = new ChatsApi(Chats, History);
        var cors = new Cors(Settings.CorsOrigins);
        var sockets = new WebSocketEndpoint(Settings, cors, Tokens, Chats, Hub, Metrics, Log);
        var ops = new OpsApi(Database, Metrics, Bus is null ? null : () => Bus.IsLive);
        var web = Settings.WebClient ? new WebClient() : null;

        var routes = RouteTable = Routes.Build(Settings, accounts, tokens, chats, sockets, ops, web);
        var authenticator = new TokenAuthenticator(Tokens);
        var main = new RequestPipeline(new Router(routes), cors, authenticator, Metrics, Log, Settings.MaxBodyBytes) { BodyReadTimeout = Options.BodyReadTimeout };
        _listeners.Add(ListenerHost.Start(Settings.Host, Settings.Port, main, Log));
        if (Settings.WsPort is { } wsPort)
        {
            var socketsOnly = new RequestPipeline(new Router(routes.Where(r => r.Policy == RoutePolicy.WebSocket && !r.MainPortOnly)), cors, authenticator, Metrics, Log, Settings.MaxBodyBytes) { BodyReadTimeout = Options.BodyReadTimeout };
            _listeners.Add(ListenerHost.Start(Settings.Host, wsPort, socketsOnly, Log));
        }

        _housekeeping.Start();
        Log.Information("Chatire listening on http://{Host}:{Port}/{WsPort} with database {Database}",
            Settings.Host == "+" ? "*" : Settings.Host, Port, WsPort is { } p ? $" (WebSockets also on port {p})" : "", Database.Display);
    }

    /// <summary>Stops accepting, closes sockets with 1001, waits for requests in flight, closes the database.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Log.Information("Chatire stopping");
        await Hub.CloseAllAsync(Options.ShutdownTimeout).ConfigureAwait(false);
        await _housekeeping.StopAsync().ConfigureAwait(false);
        await Task.WhenAll(_listeners.Select(l => l.StopAsync(Options.ShutdownTimeout))).ConfigureAwait(false);
        Passwords?.Dispose();
        await StopClusterAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
        Log.Information("Chatire stopped");
        if (_ownsLogger)
        {
            (Log as IDisposable)?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_listeners.Count == 0 && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _housekeeping.StopAsync().ConfigureAwait(false);
            await StopClusterAsync().ConfigureAwait(false);
            await Database.DisposeAsync().ConfigureAwait(false);
            if (_ownsLogger)
            {
                (Log as IDisposable)?.Dispose();
            }

            return;
        }

        await StopAsync().ConfigureAwait(false);
    }

    private async Task StopClusterAsync()
    {
        if (Presence is not null)
        {
            await Presence.DisposeAsync().ConfigureAwait(false);
        }

        if (Heartbeat is not null)
        {
            await Heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        if (Bus is not null)
        {
            await Bus.DisposeAsync().ConfigureAwait(false);
        }
    }
}
