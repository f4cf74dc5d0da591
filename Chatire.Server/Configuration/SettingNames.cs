namespace Chatire.Configuration;

/// <summary>Every setting of the server, with its built-in default. The single list the CLI, the
/// loader and <c>config print</c> read.</summary>
public static class SettingNames
{
    public static readonly SettingDefinition Host = new("host", "+", "Interface to listen on: + for all, or a host name or IP address (127.0.0.1 also registers localhost).");
    public static readonly SettingDefinition Port = new("port", "8000", "HTTP port.");
    public static readonly SettingDefinition Db = new("db", "chatire.db", "SQLite database file (created if missing), or a PostgreSQL URL postgres://user:password@host:port/database?sslmode=... shared by several nodes.");
    public static readonly SettingDefinition CorsOrigins = new("cors-origins", "", "Comma-separated allowed browser origins, or * for any. The server's own origin is always allowed.");
    public static readonly SettingDefinition Registration = new("registration", "open", "open or closed: whether anyone may sign up through the API.");
    public static readonly SettingDefinition TokenLifetime = new("token-lifetime", "24h", "Lifetime of auth tokens from /auth/token/login/.");
    public static readonly SettingDefinition AccessLifetime = new("access-lifetime", "60m", "Lifetime of access tokens from /auth/jwt/create/.");
    public static readonly SettingDefinition RefreshLifetime = new("refresh-lifetime", "1d", "Lifetime of refresh tokens, and of a token family from its login.");
    public static readonly SettingDefinition RefreshPath = new("refresh-path", "", "Extra path answering like /auth/jwt/refresh/ (Chatire used /this/is/hard/to/find/).");
    public static readonly SettingDefinition HideDefaultRefresh = new("hide-default-refresh", "false", "Answer 404 on /auth/jwt/refresh/ (use with --refresh-path).", IsSwitch: true);
    public static readonly SettingDefinition WsPort = new("ws-port", "", "Second port that serves only WebSocket upgrades (Chatire used 8081).");
    public static readonly SettingDefinition WsAnonymous = new("ws-anonymous", "false", "Allow read-only WebSockets without a token (the original Chatire Vue client needs it).", IsSwitch: true);
    public static readonly SettingDefinition PingInterval = new("ping-interval", "30s", "WebSocket keepalive ping interval; a peer silent for two intervals is dropped.");
    public static readonly SettingDefinition MaxBody = new("max-body", "64KiB", "Largest accepted request body.");
    public static readonly SettingDefinition MaxFrame = new("max-frame", "16KiB", "Largest accepted WebSocket message.");
    public static readonly SettingDefinition MaxConnections = new("max-connections", "10000", "Most WebSockets open at once; more are refused with 503.");
    public static readonly SettingDefinition MaxSocketsPerUser = new("max-sockets-per-user", "50", "Most WebSockets one user may hold open.");
    public static readonly SettingDefinition SocketQueue = new("socket-queue", "1024", "Frames a WebSocket may have waiting before it is closed as too slow (1013).");
    public static readonly SettingDefinition MessageRate = new("message-rate", "10", "Messages a user may post per second, sustained (0 turns the limit off).");
    public static readonly SettingDefinition MessageBurst = new("message-burst", "20", "Messages a user may post in a burst above --message-rate.");
    public static readonly SettingDefinition LoginWindow = new("login-window", "15m", "Window over which failed logins are counted.");
    public static readonly SettingDefinition LoginLimitUserAddress = new("login-limit-user-address", "10", "Failed logins allowed per username and client address within the window.");
    public static readonly SettingDefinition LoginLimitAddress = new("login-limit-address", "50", "Failed logins allowed per client address within the window.");
    public static readonly SettingDefinition LoginLimitUser = new("login-limit-user", "100", "Failed logins allowed per username within the window.");
    public static readonly SettingDefinition TrustedProxies = new("trusted-proxies", "", "Comma-separated addresses or CIDR ranges (IPv4 or IPv6) of reverse proxies whose X-Forwarded-For names the client, e.g. 10.0.0.0/8,::1.");
    public static readonly SettingDefinition Durability = new("durability", "full", "full: a commit survives power loss (fsync per group commit); normal: it survives crashes of the process only, for more write throughput.");
    public static readonly SettingDefinition BcryptCost = new("bcrypt-cost", "10", "bcrypt cost of new password hashes, 4 to 31; each step doubles the time a login takes (10: about 80 ms of CPU).");
    public static readonly SettingDefinition LogLevel = new("log-level", "information", "verbose, debug, information, warning, error or fatal.");
    public static readonly SettingDefinition LogFormat = new("log-format", "text", "text (for people) or json (one JSON object per line).");
    public static readonly SettingDefinition LogFile = new("log-file", "", "Also write the log to this file.");
    public static readonly SettingDefinition NoWeb = new("no-web", "false", "Do not serve the built-in web client at /.", IsSwitch: true);

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        Host, Port, Db, CorsOrigins, Registration, TokenLifetime, AccessLifetime, RefreshLifetime, RefreshPath,
        HideDefaultRefresh, WsPort, WsAnonymous, PingInterval, MaxBody, MaxFrame, MaxConnections, MaxSocketsPerUser,
        SocketQueue, MessageRate, MessageBurst, LoginWindow, LoginLimitUserAddress, LoginLimitAddress, LoginLimitUser, TrustedProxies,
        Durability, BcryptCost, LogLevel, LogFormat, LogFile, NoWeb,
    ];

    /// <summary>Settings that no longer exist: given as a flag, a variable or a file key, each stops the
    /// command with a sentence naming what replaced it.</summary>
    public static IReadOnlyList<RetiredSetting> Retired { get; } =
    [
        new(new("pbkdf2-iterations", "", "Replaced by --bcrypt-cost."), BcryptCost,
            "new passwords are hashed with bcrypt; PBKDF2 hashes already stored still verify and are re-hashed at the next login"),
    ];
}
