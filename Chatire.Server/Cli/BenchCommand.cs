using System.CommandLine;
using System.Globalization;
using Chatire.Bench;
using Chatire.Bench.Scenarios;

namespace Chatire.Cli;

/// <summary><c>chatire bench ...</c>: a load generator against a running server, through its public API.</summary>
public static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var bench = new Command("bench", """
            Measure a running Chatire server (or the comparison peer) with a load generator that uses
            only the public API. It registers its own users and creates its own chats (registration
            must be open), runs one scenario and prints a summary table (--json: one JSON object).
            A live progress bar is shown on a terminal. The exit code is 1 when a message was lost (stored
            and not delivered) or duplicated, a socket was closed early or a request failed. Posts the
            server refuses as over its rate limit were never stored: they are reported as refused, and
            when that happens during setup or the first second the run stops with exit code 2 (start the
            server with --message-rate 0 for a throughput run).

            Scenarios:
              fanout       R chats x S subscribers, P publishers posting over WebSocket (or --via http),
                           flat out or at --rate: messages/s stored, deliveries/s, end-to-end latency
                           p50/p90/p99/max (send time is inside each message), lost and duplicated.
              connections  Open N idle authenticated WebSockets and hold them: connect rate and the
                           server's resident memory per socket.
              http         Keep-alive HTTP load on history reads and message posts: requests/s, latency.
              logins       Sign-ins (POST /auth/jwt/create/) under concurrency: logins/s and latency
                           (bound by bcrypt, by design).
              reconnect    Subscribers drop and resume with ?since= while messages flow: time to catch
                           up, lost and duplicated deliveries.

            For scale (a server holds at most --max-connections sockets and posts are limited per
            user by --message-rate, 10/s by default), run the server under test with e.g.
              chatire serve --log-level warning --message-rate 0 --max-connections 20000

            Examples:
              chatire bench fanout
              chatire bench fanout --chats 100 --subscribers 10 --publishers 10 --duration 10s
              chatire bench fanout --rate 2000 --json
              chatire bench fanout --peer --url http://127.0.0.1:8100
              chatire bench connections --count 10000
              chatire bench http --op read
              chatire bench logins --concurrency 8
              chatire bench reconnect --subscribers 20 --rate 500
            """);
        bench.Subcommands.Add(Fanout(console));
        bench.Subcommands.Add(Connections(console));
        bench.Subcommands.Add(Http(console));
        bench.Subcommands.Add(Logins(console));
        bench.Subcommands.Add(Reconnect(console));
        return bench;
    }

    private static Command Fanout(CliConsole console)
    {
        var chats = IntOption("--chats", 1, "Chats (rooms).");
        var subscribers = IntOption("--subscribers", 20, "Subscribed sockets per chat, each its own user.");
        var publishers = IntOption("--publishers", 1, "Publishers; each posts into chats c where c mod P = its number (or shares a chat when P > R).");
        var rate = new Option<double>("--rate") { Description = "Messages per second over all publishers; 0 is flat out (limited by --window).", DefaultValueFactory = _ => 0 };
        var via = new Option<string>("--via") { Description = "ws (frames on the socket, acknowledged) or http (POST .../messages/).", DefaultValueFactory = _ => "ws" };
        via.AcceptOnlyFromAmong("ws", "http");
        var window = new Option<int?>("--window")
        {
            Description = $"Unacknowledged messages per publisher (ws, default {FanoutOptions.WsWindow}: enough that the server, not the round trip, limits a flat-out run), or parallel requests per publisher and chat (http, default {FanoutOptions.HttpWindow}).",
        };
        var size = IntOption("--size", 64, "Message text length in characters.");
        var peer = PeerOption();
        var noBatch = NoBatchOption();
        var common = new CommonOptions("5s");
        var command = new Command("fanout", """
            Publishers post into chats whose subscribers all receive every message. Reports messages
            stored per second, deliveries per second, end-to-end latency (send to receive) and lost or
            duplicated deliveries, which must be 0.

            Examples:
              chatire bench fanout --chats 1 --subscribers 100 --publishers 1
              chatire bench fanout --chats 100 --subscribers 10 --publishers 10 --duration 10s
              chatire bench fanout --subscribers 100 --rate 5000
              chatire bench fanout --via http --window 4
              chatire bench fanout --no-batch
              chatire bench fanout --peer --url http://127.0.0.1:8100
            """) { chats, subscribers, publishers, rate, via, window, size, peer, noBatch };
        common.AddTo(command);
        command.SetAction((parseResult, ct) => common.RunAsync(console, parseResult, parseResult.GetValue(peer), !parseResult.GetValue(noBatch), context =>
            new FanoutScenario(context, new FanoutOptions
            {
                Chats = Positive(parseResult.GetValue(chats), "--chats"),
                Subscribers = Positive(parseResult.GetValue(subscribers), "--subscribers"),
                Publishers = Positive(parseResult.GetValue(publishers), "--publishers"),
                Rate = Math.Max(0, parseResult.GetValue(rate)),
                Via = parseResult.GetValue(via) ?? "ws",
                Window = parseResult.GetValue(window) is { } w ? Positive(w, "--window") : parseResult.GetValue(via) == "http" ? FanoutOptions.HttpWindow : FanoutOptions.WsWindow,
                Size = Math.Clamp(parseResult.GetValue(size), 24, 2000),
                Duration = common.Duration(parseResult),
            }).RunAsync(ct)));
        return command;
    }

    private static Command Connections(CliConsole console)
    {
        var count = IntOption("--count", 1000, "Sockets to open.");
        var perUser = IntOption("--per-user", 25, "Sockets per user (each user opens them on its own chat); stay under --max-sockets-per-user.");
        var concurrency = IntOption("--concurrency", 64, "Connection attempts in flight.");
        var peer = PeerOption();
        var noBatch = NoBatchOption();
        var common = new CommonOptions("3s", "How long to hold the sockets open once all are connected");
        var command = new Command("connections", """
            Open N idle authenticated WebSockets, hold them, then close them. Reports the connect rate,
            connect latency and the server's resident memory per socket (from /proc when --server-pid
            is given, else process_resident_memory_bytes from /metrics). Above 20,000 sockets the
            connections are spread over loopback source addresses 127.0.0.1, 127.0.0.2, ...

            Examples:
              chatire bench connections --count 10000
              chatire bench connections --count 10000 --server-pid $(pidof chatire)
              chatire bench connections --peer --url http://127.0.0.1:8100 --count 10000
            """) { count, perUser, concurrency, peer, noBatch };
        common.AddTo(command);
        command.SetAction((parseResult, ct) => common.RunAsync(console, parseResult, parseResult.GetValue(peer), !parseResult.GetValue(noBatch), context =>
            new ConnectionsScenario(context, new ConnectionsOptions
            {
                Count = Positive(parseResult.GetValue(count), "--count"),
                PerUser = Positive(parseResult.GetValue(perUser), "--per-user"),
                Concurrency = Positive(parseResult.GetValue(concurrency), "--concurrency"),
                Hold = common.Duration(parseResult),
            }).RunAsync(ct)));
        return command;
    }

    private static Command Http(CliConsole console)
    {
        var op = new Option<string>("--op") { Description = "read (GET .../messages/), post (POST .../messages/) or both, one after the other.", DefaultValueFactory = _ => "both" };
        op.AcceptOnlyFromAmong("read", "post", "both");
        var concurrency = IntOption("--concurrency", 16, "Keep-alive connections, each with one request in flight.");
        var limit = IntOption("--limit", 20, "Messages per history page.");
        var size = IntOption("--size", 64, "Message text length in characters.");
        var peer = PeerOption();
        var common = new CommonOptions("5s", "How long each operation runs");
        var command = new Command("http", """
            Keep-alive HTTP load: history reads of one chat (pre-filled with messages) and message
            posts (each connection posts as its own user, with a client_id). Reports requests/s and
            latency per operation.

            Examples:
              chatire bench http
              chatire bench http --op read --concurrency 32 --limit 50
              chatire bench http --op post --duration 10s --json
              chatire bench http --op post --peer --url http://127.0.0.1:8200
            """) { op, concurrency, limit, size, peer };
        common.AddTo(command);
        command.SetAction((parseResult, ct) => common.RunAsync(console, parseResult, parseResult.GetValue(peer), false, context =>
            new HttpScenario(context, new HttpOptions
            {
                Operation = parseResult.GetValue(op) ?? "both",
                Concurrency = Positive(parseResult.GetValue(concurrency), "--concurrency"),
                Limit = Math.Clamp(parseResult.GetValue(limit), 1, 1000),
                Size = Math.Clamp(parseResult.GetValue(size), 24, 2000),
                Duration = common.Duration(parseResult),
            }).RunAsync(ct)));
        return command;
    }

    private static Command Logins(CliConsole console)
    {
        var concurrency = IntOption("--concurrency", 8, "Sign-ins in flight.");
        var users = IntOption("--users", 8, "Distinct users signing in (registered first).");
        var common = new CommonOptions("5s");
        var command = new Command("logins", """
            Sign-ins under concurrency (POST /auth/jwt/create/ with the right password). Each one
            costs a bcrypt hash at the server's --bcrypt-cost, so this measures that cost by
            design. Reports logins/s and latency; failures count as errors.

            Examples:
              chatire bench logins
              chatire bench logins --concurrency 32 --duration 10s
            """) { concurrency, users };
        common.AddTo(command);
        command.SetAction((parseResult, ct) => common.RunAsync(console, parseResult, false, false, context =>
            new LoginsScenario(context, new LoginsOptions
            {
                Concurrency = Positive(parseResult.GetValue(concurrency), "--concurrency"),
                Users = Positive(parseResult.GetValue(users), "--users"),
                Duration = common.Duration(parseResult),
            }).RunAsync(ct)));
        return command;
    }

    private static Command Reconnect(CliConsole console)
    {
        var subscribers = IntOption("--subscribers", 20, "Subscribers in the chat; each drops and resumes repeatedly.");
        var rate = new Option<double>("--rate") { Description = "Messages per second posted while they reconnect.", DefaultValueFactory = _ => 500 };
        var interval = new Option<string>("--interval") { Description = "Mean time a subscriber stays connected before dropping (jittered).", DefaultValueFactory = _ => "500ms" };
        var noBatch = NoBatchOption();
        var common = new CommonOptions("5s");
        var command = new Command("reconnect", """
            One publisher posts at --rate while every subscriber repeatedly drops its socket (abort,
            as a lost network would) and reconnects with ?since=<last id seen>. Reports reconnects,
            the time from each drop until everything stored meanwhile has arrived (catch-up), and lost
            and duplicated deliveries, which must be 0.

            Examples:
              chatire bench reconnect
              chatire bench reconnect --subscribers 50 --rate 1000 --interval 200ms --duration 10s
            """) { subscribers, rate, interval, noBatch };
        common.AddTo(command);
        command.SetAction((parseResult, ct) => common.RunAsync(console, parseResult, false, !parseResult.GetValue(noBatch), context =>
            new ReconnectScenario(context, new ReconnectOptions
            {
                Subscribers = Positive(parseResult.GetValue(subscribers), "--subscribers"),
                Rate = Math.Max(1, parseResult.GetValue(rate)),
                Interval = ParseDuration(parseResult.GetValue(interval) ?? "500ms", "--interval"),
                Duration = common.Duration(parseResult),
            }).RunAsync(ct)));
        return command;
    }

    private static Option<int> IntOption(string name, int fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    private static Option<bool> PeerOption() =>
        new("--peer") { Description = "The target is a comparison peer (scripts/bench/peer, scripts/bench/bare): no accounts, chats are just names." };

    private static Option<bool> NoBatchOption() =>
        new("--no-batch") { Description = "One WebSocket message per frame. By default the generator's sockets ask Chatire for batched frames (?v=2&batch=1)." };

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new CliException($"{name} must be at least 1.", ExitCodes.Usage);

    /// <summary>"10s", "500ms", "2m" or plain seconds.</summary>
    public static TimeSpan ParseDuration(string text, string name)
    {
        var value = text.Trim();
        double number;
        if (value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) && double.TryParse(value[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return TimeSpan.FromMilliseconds(number);
        }

        if (value.EndsWith('s') && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return TimeSpan.FromSeconds(number);
        }

        if (value.EndsWith('m') && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return TimeSpan.FromMinutes(number);
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return TimeSpan.FromSeconds(number);
        }

        throw new CliException($"{name} must be a duration such as 10s, 500ms or 2m.", ExitCodes.Usage);
    }

    /// <summary>Options every scenario takes, and the run-and-print step they share.</summary>
    private sealed class CommonOptions
    {
        private readonly Option<string[]> _url = new("--url")
        {
            Description = "Base URL of the server under test; repeat for the nodes of a cluster (fanout spreads subscribers and publishers over them, so deliveries cross nodes).",
            DefaultValueFactory = _ => ["http://127.0.0.1:8000"],
        };
        private readonly Option<bool> _json = new("--json") { Description = "Print one JSON object instead of the table (no progress bar)." };
        private readonly Option<bool> _quiet = new("--no-progress") { Description = "No progress bar or setup notes." };
        private readonly Option<int?> _serverPid = new("--server-pid") { Description = "Process id of a local server: its memory and CPU time are read from /proc." };
        private readonly Option<string> _duration;

        public CommonOptions(string duration, string what = "How long to publish or load")
        {
            _duration = new Option<string>("--duration") { Description = $"{what} (10s, 500ms, 2m).", DefaultValueFactory = _ => duration };
        }

        public void AddTo(Command command)
        {
            command.Options.Add(_url);
            command.Options.Add(_duration);
            command.Options.Add(_json);
            command.Options.Add(_quiet);
            command.Options.Add(_serverPid);
        }

        public TimeSpan Duration(ParseResult parseResult) => ParseDuration(parseResult.GetValue(_duration) ?? "5s", "--duration");

        public async Task<int> RunAsync(CliConsole console, ParseResult parseResult, bool peer, bool batch, Func<BenchContext, Task<BenchResult>> scenario)
        {
            var urls = new List<Uri>();
            foreach (var url in parseResult.GetValue(_url) is { Length: > 0 } given ? given : ["http://127.0.0.1:8000"])
            {
                if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                {
                    throw new CliException($"--url must be an http:// or https:// URL, not '{url}'.", ExitCodes.Usage);
                }

                urls.Add(parsed);
            }

            var baseUrl = urls[0];

            var json = parseResult.GetValue(_json);
            var quiet = parseResult.GetValue(_quiet);
            var target = new BenchTarget(baseUrl, peer, parseResult.GetValue(_serverPid), batch) { Nodes = urls };
            var context = new BenchContext(target, ProgressBar.TerminalOrNull(console.Error, !json && !quiet), quiet ? TextWriter.Null : console.Error);
            BenchResult result;
            try
            {
                result = await scenario(context).ConfigureAwait(false);
            }
            catch (BenchException ex)
            {
                throw new CliException(ex.Message, ex.ServerSettings ? ExitCodes.Usage : ExitCodes.Failure);
            }

            await console.Out.WriteAsync(json ? result.ToJson() + "\n" : result.ToTable()).ConfigureAwait(false);
            return result.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        }
    }
}
