using System.Net;
using Chatire.Core;
using Chatire.Http;
using Serilog;

namespace Chatire.Hosting;

/// <summary>
/// One <see cref="HttpListener"/> and its accept loop. The port is bound first (<see cref="Bind"/>),
/// before anything else is built, so a server that cannot listen creates nothing; the loop starts
/// with <see cref="Serve"/>. The loop never awaits a handler: each request runs on its own task.
/// Stopping stops accepting and waits for the requests in flight.
/// </summary>
public sealed class ListenerHost
{
    private readonly HttpListener _listener;
    private readonly ILogger _log;
    private RequestPipeline? _pipeline;
    private Task _acceptLoop = Task.CompletedTask;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight = 1;
    private volatile bool _stopping;

    private ListenerHost(HttpListener listener, ILogger log, int port)
    {
        _listener = listener;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Binds the port (throws <see cref="ServerStartException"/> when it cannot). Connections
    /// wait in the backlog until <see cref="Serve"/>.</summary>
    public static ListenerHost Bind(string host, int port, ILogger log)
    {
        var prefixes = ListenPrefixes.For(host, port);

        for (var attempt = 1; ; attempt++)
        {
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            try
            {
                foreach (var prefix in prefixes)
                {
                    listener.Prefixes.Add(prefix);
                }

                listener.Start();
                return new ListenerHost(listener, log, port);
            }
            catch (ArgumentNullException) when (attempt < 5)
            {
                // HttpListener on Linux can fail this way when clients connect while it starts; retry.
                listener.Close();
            }
            catch (HttpListenerException ex)
            {
                listener.Close();
                throw new ServerStartException($"Cannot listen on {host}:{port}: {ex.Message.TrimEnd('.')}. Is another program using port {port}?", ex);
            }
            catch (ArgumentException ex)
            {
                listener.Close();
                throw new ServerStartException($"Cannot listen on host '{host}': {ex.Message}", ex);
            }
        }
    }

    /// <summary>Starts the accept loop: every request goes to <paramref name="pipeline"/>.</summary>
    public void Serve(RequestPipeline pipeline)
    {
        _pipeline = pipeline;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (_stopping && ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (HttpListenerException ex)
            {
                _log.Warning("Accepting a request failed: {Message}", ex.Message);
                continue;
            }

            if (LengthRequired.AnsweredByListener(context.Request))
            {
                // Its connection is already gone: log it and leave it alone.
                _log.Warning("{Method} {Path} answered 411 by the listener: no Content-Length (send Content-Length: 0, e.g. curl -d '')",
                    context.Request.HttpMethod, Credentials.MaskTokens(LengthRequired.PathOf(context.Request)));
                continue;
            }

            if (_stopping)
            {
                _ = RequestPipeline.WriteErrorAsync(context, new ApiException(503, "The server is shutting down.") { RetryAfterSeconds = 5 });
                continue;
            }

            Interlocked.Increment(ref _inFlight);
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Item1.HandleAsync(state.context), (this, context), preferLocal: false);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await _pipeline!.HandleAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Request failed outside the pipeline");
        }
        finally
        {
            if (Interlocked.Decrement(ref _inFlight) == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Stops taking work, waits up to <paramref name="timeout"/> for requests in flight, then closes.
    /// The listener is stopped only after the drain: stopping it closes every open connection, which
    /// would cut responses still being written.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        await Task.WhenAny(_drained.Task, Task.Delay(timeout)).ConfigureAwait(false);
        try
        {
            _listener.Stop();
        }
        catch (ObjectDisposedException)
        {
        }

        await _acceptLoop.ConfigureAwait(false);
        _listener.Close();
    }
}
