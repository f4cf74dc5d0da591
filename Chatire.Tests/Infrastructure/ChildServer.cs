using System.Diagnostics;

namespace Chatire.Tests.Infrastructure;

/// <summary>The real chatire executable as a child process, for tests that kill or signal it.</summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;

    private ChildServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        Api = new ApiClient(Http);
    }

    public int Port { get; }
    public HttpClient Http { get; }
    public ApiClient Api { get; }
    public int ProcessId => _process.Id;

    public Uri WebSocketUri(string pathAndQuery) => new($"ws://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>The apphost built next to the test assembly.</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "chatire");

    public static async Task<ChildServer> StartAsync(string database, int? port = null, params string[] extra)
    {
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port ?? TestServer.FreePort();
            var info = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in (string[])["serve", "--host", "127.0.0.1", "--port", chosen.ToString(), "--db", database, "--log-level", "warning", "--bcrypt-cost", "4", "--message-rate", "0", .. extra])
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var child = new ChildServer(process, chosen);
            if (await child.WaitForHealthAsync(TimeSpan.FromSeconds(30)))
            {
                return child;
            }

            await child.DisposeAsync();
            if (attempt >= 5 || port is not null)
            {
                throw new InvalidOperationException("The chatire child process did not answer /health.");
            }
        }
    }

    private async Task<bool> WaitForHealthAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                if ((await Http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(25);
        }

        return false;
    }

    /// <summary>kill -9: no chance to clean up.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
