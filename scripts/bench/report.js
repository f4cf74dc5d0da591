'use strict';
// Writes the generated section of BENCHMARKS.md from the JSON results of scripts/bench/run:
// medians and min–max over the runs, Chatire (batched and not) beside the Node ws peer and the bare
// HttpListener peer, the ratios between them, and the targets checked.
// Only the text between <!-- bench:begin --> and <!-- bench:end --> is replaced (the markers are
// appended when absent); the rest of the file is kept as it is. The section is also printed.

const fs = require('fs');
const os = require('os');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

// results[name][target] = [run objects]
const results = {};
for (const file of fs.readdirSync(args.results).sort()) {
  const match = /^(.+)\.(chatire|nobatch|peer|bare)\.(\d+)\.json$/.exec(file);
  if (!match) continue;
  let data;
  try {
    data = JSON.parse(fs.readFileSync(path.join(args.results, file), 'utf8'));
  } catch {
    continue; // a failed run printed nothing usable
  }
  ((results[match[1]] ??= {})[match[2]] ??= []).push(data);
}

const values = (name, target, field) =>
  (results[name]?.[target] ?? []).map((r) => r[field]).filter((v) => typeof v === 'number').sort((a, b) => a - b);
const median = (v) => (v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
const fmt = (x) => {
  if (!Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
};
const cell = (name, target, field) => {
  const v = values(name, target, field);
  if (v.length === 0) return '–';
  const m = fmt(median(v));
  return v.length > 1 ? `${m} (${fmt(v[0])}–${fmt(v[v.length - 1])})` : m;
};
const med = (name, target, field) => median(values(name, target, field));
const ratio = (name, field, over = 'peer', of = 'chatire') => med(name, of, field) / med(name, over, field);
const runsOf = (name, target) => (results[name]?.[target] ?? []).length;

const lines = [];
const out = (s = '') => lines.push(s);

const TARGETS = { chatire: 'Chatire', nobatch: 'Chatire, no batch', peer: 'Node ws peer', bare: 'bare HttpListener' };
// Ratio columns, each shown when both sides ran: [numerator, denominator, heading].
const RATIOS = [['chatire', 'nobatch', 'batch / no batch'], ['chatire', 'peer', 'Chatire / Node'], ['chatire', 'bare', 'Chatire / bare']];

function table(title, name, rows) {
  if (!results[name]) return;
  const targets = Object.keys(TARGETS).filter((t) => results[name][t]);
  const ratios = RATIOS.filter(([a, b]) => results[name][a] && results[name][b]);
  out(`### ${title}`);
  out();
  out(`| metric | ${targets.map((t) => TARGETS[t]).join(' | ')} |${ratios.map((r) => ` ${r[2]} |`).join('')}`);
  out(`|---|${targets.map(() => '---:|').join('')}${ratios.map(() => '---:|').join('')}`);
  for (const [label, field, showRatio] of rows) {
    if (targets.every((t) => values(name, t, field).length === 0)) continue;
    const cells = targets.map((t) => cell(name, t, field));
    const rs = ratios.map(([a, b]) => {
      const r = showRatio ? ratio(name, field, b, a) : NaN;
      return Number.isFinite(r) ? r.toFixed(2) + '×' : '';
    });
    out(`| ${label} | ${cells.join(' | ')} |${rs.map((r) => ` ${r} |`).join('')}`);
  }
  out();
  out(`Runs: ${targets.map((t) => `${runsOf(name, t)} ${TARGETS[t]}`).join(', ')}. Values: median (min–max).`);
  out();
}

const fanoutRows = [
  ['messages stored /s', 'messages_per_sec', true],
  ['deliveries /s', 'deliveries_per_sec', true],
  ['latency p50 (ms)', 'p50_ms', false],
  ['latency p90 (ms)', 'p90_ms', false],
  ['latency p99 (ms)', 'p99_ms', true],
  ['latency max (ms)', 'max_ms', false],
  ['ack p99 (ms)', 'ack_p99_ms', false],
  ['server CPU (% of its core)', 'server_cpu_pct', false],
  ['server CPU per delivery (µs)', 'server_cpu_us_per_delivery', true],
  ['generator CPU (% of its core)', 'generator_cpu_pct', false],
  ['lost', 'lost', false],
  ['duplicated', 'duplicated', false],
];

// Targets (issue 16): ratios measured in the same run.
const allFanout = Object.keys(results).filter((n) => n.startsWith('fanout') || n === 'reconnect');
const lostTotal = allFanout.reduce((sum, n) => sum + Object.keys(TARGETS).reduce((s, t) =>
  s + (results[n][t] ?? []).reduce((a, r) => a + (r.lost ?? 0) + (r.duplicated ?? 0), 0), 0), 0);
const check = (ok) => (ok === null ? '–' : ok ? 'met' : '**missed**');
const times = (x) => `${x.toFixed(2)}×`;
const generatorBound = (name, target) => med(name, target, 'generator_cpu_pct') >= 90;
const targets = [
  ['Fan-out 1 × 100, flat out, batched: deliveries/s vs the Node peer', '≥ 4×', ratio('fanout-1x100', 'deliveries_per_sec'), (x) => x >= 4, times],
  ['Same: batched vs Chatire without batching', '≥ 2×', ratio('fanout-1x100', 'deliveries_per_sec', 'nobatch'), (x) => x >= 2, times],
  ['Fan-out: lost + duplicated deliveries, every run (reconnect included)', '0', lostTotal, (x) => x === 0, (x) => `${x}`],
  ['Fan-out 100 × 10 × 10 publishers, persisted, batched: messages/s vs Chatire without batching', '≥ 1.0×', ratio('fanout-100x10', 'messages_per_sec', 'nobatch'), (x) => x >= 1, times],
  ['Same: vs the Node peer', '≥ 3×', ratio('fanout-100x10', 'messages_per_sec'), (x) => x >= 3, times],
  [`Fixed rate 1 × 100 at ${args.rate} msg/s: latency p99, batched / not batched`, '≤ 1.0×', ratio('fanout-1x100-rate', 'p99_ms', 'nobatch'), (x) => x <= 1, times],
  [`Idle sockets (${Number(med('connections', 'chatire', 'sockets')).toLocaleString('en-US')}): RSS per socket, Chatire / bare HttpListener`, '≤ 1.0×', ratio('connections', 'rss_per_socket_kib', 'bare'), (x) => x <= 1, times],
  ['HTTP posts/s, Chatire (stored) / bare HttpListener (POST and broadcast, nothing stored)', '≥ 0.7×', ratio('http-post', 'post_requests_per_sec', 'bare'), (x) => x >= 0.7, times],
];
const bound = ['fanout-1x100', 'fanout-100x10'].flatMap((n) => Object.keys(TARGETS).filter((t) => results[n]?.[t] && generatorBound(n, t)).map((t) => `${n} (${TARGETS[t]})`));

const load = (s) => s.split(' ').map(Number);
const [l1s] = load(args['load-start']);
const [l1e] = load(args['load-end']);
const busy = Math.max(l1s, l1e) > 0.5;

out(BEGIN);
out('## Measured figures');
out();
out('This section is rewritten by `scripts/bench/run`; edit the script, not the figures.');
out();
out(`Generated ${args.started} at commit \`${args.commit}\`.`);
out();
out('### Machine');
out();
out(`- CPU: ${os.cpus()[0].model}, ${os.cpus().length} cores; memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${os.release()}`);
out(`- .NET SDK ${args.dotnet}; Node ${args.node} with ws ${args.ws} for the Node peer`);
out(`- Server pinned to CPU ${args['server-cpu']}, load generator (\`chatire bench\`) to CPU ${args['generator-cpu']} (taskset); both on loopback.`);
out(`- Load average (1, 5, 15 min) before: ${args['load-start']}; after: ${args['load-end']}.${busy ? ' Other processes were using the CPUs during the runs, so absolute figures are lower than on an idle machine; the ratios were measured side by side under the same conditions.' : ''}`);
out();
out('### Method');
out();
out(`Every run starts a fresh server (empty database) — Chatire as the published single file (NativeAOT, built by scripts/publish exactly as it ships; the load generator is the same file), or one of two peers that speak enough of Chatire's WebSocket protocol v2 (same paths, \`{"type":"message","data":{...,"id"}}\` broadcast to the chat, \`ack\` to the sender) but store nothing and check no tokens: a minimal broadcast server on the Node \`ws\` package (scripts/bench/peer/server.js), and a bare \`HttpListener\` server (scripts/bench/bare: Chatire's transport, runtime settings and per-socket queue with inline writer, none of its work; published NativeAOT; it also answers \`POST .../messages/\` by broadcasting and echoing the message). Chatire's sockets ask for batched frames (\`?v=2&batch=1\`) by default; "no batch" runs the same generator with \`--no-batch\`; the peers never batch. Scenarios are interleaved run by run, so every ratio compares runs made minutes apart under the same load. Each scenario ran ${args.runs} time(s); tables show the median and min–max. Chatire runs with \`--log-level warning\`, per-user message limits raised out of the way and \`--bcrypt-cost 4\` except for the logins scenario (which uses the default cost 10): the generator registers its users through the API and sign-up cost is not what the other scenarios measure. Messages carry their send time, so latency is end to end (publisher send → subscriber receive, same clock). The generator reads its subscribers and drives its HTTP load from raw sockets, one epoll thread each (as wrk does), so it stays cheaper than the server it measures; a WebSocket publisher keeps up to 128 messages unacknowledged, enough that a flat-out run is limited by the server rather than by the round trip (with 32, Chatire's runs left the server 25–35% idle while the peer's numbers did not change). The fixed-rate run posts ${args.rate} msg/s. Generator CPU is reported for every run: at 90% or more of its core the generator, not the server, may be the limit${bound.length ? ` — here: ${bound.join(', ')}` : ' (no flat-out run reached it here)'}.`);
out();
out('### Targets');
out();
out('| target | goal | measured (median) | |');
out('|---|---|---:|---|');
for (const [label, goal, x, ok, show] of targets) {
  const has = Number.isFinite(x);
  out(`| ${label} | ${goal} | ${has ? show(x) : '–'} | ${check(has ? ok(x) : null)} |`);
}
out();

table('Fan-out: 1 chat × 100 subscribers, 1 publisher over WebSocket, flat out', 'fanout-1x100', fanoutRows);
table(`Fan-out: 1 chat × 100 subscribers, 1 publisher at ${args.rate} msg/s`, 'fanout-1x100-rate', fanoutRows);
table('Fan-out: 100 chats × 10 subscribers, 10 publishers, flat out (Chatire persists every message)', 'fanout-100x10', fanoutRows);
table('Fan-out: 1 chat × 100 subscribers, publishing over HTTP POST (8 requests in flight)', 'fanout-1x100-http', fanoutRows);
table('HTTP: history reads (20 messages a page, 16 keep-alive connections)', 'http-read', [
  ['requests /s', 'read_requests_per_sec'], ['server CPU (%)', 'read_server_cpu_pct'], ['generator CPU (%)', 'read_generator_cpu_pct'], ['p50 (ms)', 'read_p50_ms'], ['p90 (ms)', 'read_p90_ms'], ['p99 (ms)', 'read_p99_ms'], ['max (ms)', 'read_max_ms'], ['errors', 'errors'],
]);
table('HTTP: message posts (16 keep-alive connections, one user each, with client_id; the bare peer stores nothing)', 'http-post', [
  ['requests /s', 'post_requests_per_sec', true], ['server CPU (%)', 'post_server_cpu_pct'], ['generator CPU (%)', 'post_generator_cpu_pct'], ['p50 (ms)', 'post_p50_ms'], ['p90 (ms)', 'post_p90_ms'], ['p99 (ms)', 'post_p99_ms'], ['max (ms)', 'post_max_ms'], ['errors', 'errors'],
]);
table('Idle WebSockets', 'connections', [
  ['sockets opened', 'opened', false], ['connects /s', 'connects_per_sec', true], ['connect p99 (ms)', 'connect_p99_ms', false],
  ['server RSS before (MiB)', 'server_rss_before_mib', false], ['server RSS holding (MiB)', 'server_rss_held_mib', false],
  ['RSS per socket (KiB)', 'rss_per_socket_kib', true], ['failed', 'failed', false], ['dropped while held', 'dropped_while_held', false],
]);
table('Reconnect with since= (50 subscribers dropping every ~0.5 s, 1,000 msg/s)', 'reconnect', [
  ['reconnects /s', 'reconnects_per_sec'], ['catch-up p50 (ms)', 'catch_up_p50_ms'], ['catch-up p99 (ms)', 'catch_up_p99_ms'], ['catch-up max (ms)', 'catch_up_max_ms'],
  ['messages /s', 'messages_per_sec'], ['lost', 'lost'], ['duplicated', 'duplicated'],
]);
table('Sign-in (POST /auth/jwt/create/, bcrypt cost 10, 4 in flight)', 'logins', [
  ['logins /s', 'logins_per_sec'], ['p50 (ms)', 'p50_ms'], ['p99 (ms)', 'p99_ms'], ['failed', 'errors'],
]);

out('Where the time goes, and the experiments behind it, is written up under "Where the time goes" below this section.');
out();
out('### Commands');
out();
out('Each run: the server command on one CPU, then the generator on the other (`--server-pid` and `--json` are added by the script).');
out();
out('```');
for (const line of fs.readFileSync(args.commands, 'utf8').split('\n').filter(Boolean)) {
  const [name, , server, generator] = line.split(' | ');
  out(`# ${name}`);
  out(server);
  out(generator);
}
out('```');
out(END);

const section = lines.join('\n');
let text = fs.existsSync(args.out) ? fs.readFileSync(args.out, 'utf8') : '# Benchmarks\n\n';
const begin = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (begin >= 0 && end > begin) {
  text = text.slice(0, begin) + section + text.slice(end + END.length);
} else {
  text = text.replace(/\s*$/, '\n\n') + section + '\n';
}
fs.writeFileSync(args.out, text);
process.stdout.write(section + '\n');
