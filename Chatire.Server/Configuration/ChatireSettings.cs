namespace Chatire.Configuration;

/// <summary>The effective, validated settings of a server. Defaults match <see cref="SettingNames"/>.</summary>
public sealed record ChatireSettings
{
    public string Host { get; init; } = "+";
    public int Port { get; init; } = 8000;
    public string DatabasePath { get; init; } = "chatire.db";
    /// <summary>Allowed origins; empty means only the server's own origin; contains "*" for any.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];
    public bool RegistrationOpen { get; init; } = true;
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(24);
    public TimeSpan AccessLifetime { get; init; } = TimeSpan.FromMinutes(60);
    public TimeSpan RefreshLifetime { get; init; } = TimeSpan.FromDays(1);
    public string? RefreshPath { get; init; }
    public bool HideDefaultRefresh { get; init; }
    public int? WsPort { get; init; }
    public bool WsAnonymous { get; init; }
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);
    public long MaxBodyBytes { get; init; } = 64 * 1024;
    public int MaxFrameBytes { get; init; } = 16 * 1024;
    public int MaxConnections { get; init; } = 10_000;
    public int MaxSocketsPerUser { get; init; } = 50;
    public int SocketQueue { get; init; } = 1024;
    public double MessageRate { get; init; } = 10;
    public int MessageBurst { get; init; } = 20;
    public TimeSpan LoginWindow { get; init; } = TimeSpan.FromMinutes(15);
    public int LoginLimitUserAddress { get; init; } = 10;
    public int LoginLimitAddress { get; init; } = 50;
    public int LoginLimitUser { get; init; } = 100;
    /// <summary>Proxies whose X-Forwarded-For is believed; empty means the peer is always the client.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];
    /// <summary>"FULL" or "NORMAL": SQLite's synchronous level.</summary>
    public string Synchronous { get; init; } = "FULL";
    public int BcryptCost { get; init; } = 10;
    public string LogLevel { get; init; } = "information";
    public string LogFormat { get; init; } = "text";
    public string? LogFile { get; init; }
    public bool WebClient { get; init; } = true;

    public bool CorsAllowsAny => CorsOrigins.Contains("*");
}
