using Chatire.Core;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static Chatire.Configuration.SettingNames;

namespace Chatire.Configuration;

/// <summary>Turns raw setting values into <see cref="ChatireSettings"/>, collecting one sentence per
/// invalid value. Nothing binds a port before this has passed.</summary>
public static class SettingsParser
{
    private static readonly string[] LogLevels = ["verbose", "debug", "information", "warning", "error", "fatal"];

    public static ChatireSettings Parse(SettingValues values, List<string> errors)
    {
        var reader = new Reader(values, errors);
        var settings = new ChatireSettings
        {
            Host = reader.Text(Host),
            Port = reader.Int(Port, 1, 65535),
            DatabasePath = reader.Text(Db),
            CorsOrigins = reader.Origins(CorsOrigins),
            RegistrationOpen = reader.OneOf(Registration, "open", "closed") == "open",
            TokenLifetime = reader.Duration(TokenLifetime, TimeSpan.FromSeconds(1)),
            AccessLifetime = reader.Duration(AccessLifetime, TimeSpan.FromSeconds(1)),
            RefreshLifetime = reader.Duration(RefreshLifetime, TimeSpan.FromSeconds(1)),
            RefreshPath = reader.OptionalPath(RefreshPath),
            HideDefaultRefresh = reader.Switch(HideDefaultRefresh),
            WsPort = reader.OptionalInt(WsPort, 1, 65535),
            WsAnonymous = reader.Switch(WsAnonymous),
            PingInterval = reader.Duration(PingInterval, TimeSpan.FromMilliseconds(100)),
            MaxBodyBytes = reader.Size(MaxBody, 1024, 1L << 30),
            MaxFrameBytes = (int)reader.Size(MaxFrame, 256, 16L << 20),
            MaxConnections = reader.Int(MaxConnections, 1, 1_000_000),
            MaxSocketsPerUser = reader.Int(MaxSocketsPerUser, 1, 1_000_000),
            SocketQueue = reader.Int(SocketQueue, 8, 1_000_000),
            MessageRate = reader.Double(MessageRate, 0, 1_000_000),
            MessageBurst = reader.Int(MessageBurst, 1, 1_000_000),
            LoginWindow = reader.Duration(LoginWindow, TimeSpan.FromSeconds(1)),
            LoginLimitUserAddress = reader.Int(LoginLimitUserAddress, 1, 1_000_000),
            LoginLimitAddress = reader.Int(LoginLimitAddress, 1, 1_000_000),
            LoginLimitUser = reader.Int(LoginLimitUser, 1, 1_000_000),
            TrustedProxies = reader.Networks(TrustedProxies),
            Synchronous = reader.OneOf(Durability, "full", "normal").ToUpperInvariant(),
            BcryptCost = reader.Int(BcryptCost, 4, 31),
            LogLevel = reader.OneOf(LogLevel, LogLevels),
            LogFormat = reader.OneOf(LogFormat, "text", "json"),
            LogFile = reader.OptionalText(LogFile),
            WebClient = !reader.Switch(NoWeb),
        };

        if (string.IsNullOrWhiteSpace(settings.Host) || settings.Host is "0.0.0.0" or "*")
        {
            if (settings.Host is "0.0.0.0" or "*")
            {
                settings = settings with { Host = "+" };
            }
            else
            {
                errors.Add("The setting host must not be empty: use + for all interfaces.");
            }
        }

        if (settings.Host.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"The setting host cannot be an IPv6 address (\"{settings.Host}\"): the listener binds IPv4 only. Use + (every IPv4 interface) or an IPv4 address, and a reverse proxy for IPv6 (see docs/operations.md).");
        }

        if (string.IsNullOrWhiteSpace(settings.DatabasePath))
        {
            errors.Add("The setting db must name a database file or a PostgreSQL URL.");
        }
        else if (!DatabaseLocation.TryParse(settings.DatabasePath, out _, out var dbError))
        {
            errors.Add(dbError!);
        }

        if (settings.WsPort == settings.Port)
        {
            errors.Add($"The setting ws-port must differ from port ({settings.Port}).");
        }

        if (settings.HideDefaultRefresh && settings.RefreshPath is null)
        {
            errors.Add("The setting hide-default-refresh needs refresh-path, or no refresh path would be left.");
        }

        if (settings.AccessLifetime > settings.RefreshLifetime)
        {
            errors.Add("The setting access-lifetime must not be longer than refresh-lifetime.");
        }

        return settings;
    }

    private sealed class Reader(SettingValues values, List<string> errors)
    {
        private string Describe(SettingDefinition definition) =>
            $"The setting {definition.Name} (from {Origin(definition)})";

        private string Origin(SettingDefinition definition) => values.SourceOf(definition) switch
        {
            SettingSource.Flag => definition.Flag,
            SettingSource.Environment => definition.EnvironmentVariable,
            SettingSource.ConfigFile => values.ConfigFile ?? "the configuration file",
            _ => "the default",
        };

        public string Text(SettingDefinition definition) => values[definition].Trim();

        public string? OptionalText(SettingDefinition definition)
        {
            var text = values[definition].Trim();
            return text.Length == 0 ? null : text;
        }

        public int Int(SettingDefinition definition, int min, int max)
        {
            var text = values[definition].Trim();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                errors.Add($"{Describe(definition)} must be a whole number from {min} to {max}, not \"{text}\".");
                return min;
            }

            return value;
        }

        public int? OptionalInt(SettingDefinition definition, int min, int max) =>
            values[definition].Trim().Length == 0 ? null : Int(definition, min, max);

        public double Double(SettingDefinition definition, double min, double max)
        {
            var text = values[definition].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                errors.Add($"{Describe(definition)} must be a number from {min} to {max}, not \"{text}\".");
                return min;
            }

            return value;
        }

        public TimeSpan Duration(SettingDefinition definition, TimeSpan min)
        {
            var text = values[definition].Trim();
            if (!SettingParsers.TryParseDuration(text, out var value) || value < min)
            {
                errors.Add($"{Describe(definition)} must be a duration of at least {SettingParsers.FormatDuration(min)}: {SettingParsers.DurationForms}; not \"{text}\".");
                return min;
            }

            return value;
        }

        public long Size(SettingDefinition definition, long min, long max)
        {
            var text = values[definition].Trim();
            if (!SettingParsers.TryParseSize(text, out var value) || value < min || value > max)
            {
                errors.Add($"{Describe(definition)} must be a size from {min}B to {max / 1024 / 1024}MiB: {SettingParsers.SizeForms}; not \"{text}\".");
                return min;
            }

            return value;
        }

        public bool Switch(SettingDefinition definition)
        {
            var text = values[definition];
            if (!SettingParsers.TryParseSwitch(text, out var value))
            {
                errors.Add($"{Describe(definition)} must be true or false, not \"{text}\".");
            }

            return value;
        }

        public string OneOf(SettingDefinition definition, params string[] allowed)
        {
            var text = values[definition].Trim().ToLowerInvariant();
            if (!allowed.Contains(text))
            {
                errors.Add($"{Describe(definition)} must be one of {string.Join(", ", allowed)}, not \"{values[definition]}\".");
                return allowed[0];
            }

            return text;
        }

        public string? OptionalPath(SettingDefinition definition)
        {
            var text = values[definition].Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (!text.StartsWith('/') || text.Contains('?') || text.Contains('#') || text.Trim('/').Length == 0)
            {
                errors.Add($"{Describe(definition)} must be a path such as /this/is/hard/to/find/, not \"{text}\".");
                return null;
            }

            return "/" + text.Trim('/') + "/";
        }

        public IReadOnlyList<string> Origins(SettingDefinition definition)
        {
            var origins = new List<string>();
            foreach (var raw in values[definition].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (raw == "*")
                {
                    origins.Add("*");
                    continue;
                }

                if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.PathAndQuery != "/" || raw.EndsWith('/'))
                {
                    errors.Add($"{Describe(definition)} has \"{raw}\", which is not an origin such as https://chat.example.com or http://localhost:8080.");
                    continue;
                }

                origins.Add(raw.ToLowerInvariant());
            }

            return origins;
        }

        public IReadOnlyList<IPNetwork> Networks(SettingDefinition definition)
        {
            var networks = new List<IPNetwork>();
            foreach (var raw in values[definition].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var slash = raw.IndexOf('/');
                var addressText = slash < 0 ? raw : raw[..slash];
                if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily == AddressFamily.InterNetwork && address.ToString() != addressText)
                {
                    errors.Add($"{Describe(definition)} has \"{raw}\", which is not an IP address such as 10.0.0.5 or ::1, nor a CIDR range such as 10.0.0.0/8 or fd00::/8.");
                    continue;
                }

                address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
                var prefix = bits;
                if (slash >= 0 && (!int.TryParse(raw[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
                {
                    errors.Add($"{Describe(definition)} has \"{raw}\", whose prefix length is not a whole number from 0 to {bits}.");
                    continue;
                }

                if (!FirstAddress(address, prefix).Equals(address))
                {
                    errors.Add($"{Describe(definition)} has \"{raw}\", whose address has bits set past the prefix length: write the range's first address, such as {FirstAddress(address, prefix)}/{prefix}.");
                    continue;
                }

                networks.Add(new IPNetwork(address, prefix));
            }

            return networks;
        }

        private static IPAddress FirstAddress(IPAddress address, int prefix)
        {
            var bytes = address.GetAddressBytes();
            for (var bit = prefix; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }

            return new IPAddress(bytes);
        }
    }
}
