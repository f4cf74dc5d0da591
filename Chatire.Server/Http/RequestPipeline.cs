using System.Diagnostics;
using System.Net;
using Chatire.Core;
using Serilog;

namespace Chatire.Http;

/// <summary>
/// Handles one request from start to finish: request id, CORS, routing (404/405), body limit (413),
/// authentication (401), the handler, and the one place where exceptions become responses.
/// </summary>
public sealed class RequestPipeline(Router router, Cors cors, IRequestAuthenticator authenticator, IRequestObserver observer, ILogger log, long maxBodyBytes)
{
    /// <summary>How long a request body may take to arrive before the request is answered 408.</summary>
    public TimeSpan BodyReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The proxies whose X-Forwarded-For names the client (none by default).</summary>
    public TrustedProxies Proxies { get; init; } = TrustedProxies.None;

    public async Task HandleAsync(HttpListenerContext listenerContext)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = RequestIds.For(listenerContext.Request.Headers["X-Request-Id"]);
        var context = new RequestContext(listenerContext, requestId, Proxies);
        ApiResponse response;
        try
        {
            response = await RunAsync(context).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            response = ErrorResponse(JsonSentAsForm.Explain(ex, context), context.ErrorStyle);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away while we read or wrote; nothing is left to answer.
            Finish(context, 499, started);
            return;
        }
        catch (Exception ex)
        {
            log.Error(ex, "Unhandled error on {Method} {Path} ({RequestId})", context.Method, Credentials.MaskTokens(context.Path), requestId);
            response = ErrorResponse(new ApiException(500, "A server error occurred."));
        }

        if (!response.Hijacked)
        {
            await WriteAsync(listenerContext, context, response).ConfigureAwait(false);
        }

        Finish(context, response.Status, started);
    }

    private void Finish(RequestContext context, int status, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        observer.Observe(context.RouteTemplate, context.Method, status, elapsed);
        if (log.IsEnabled(Serilog.Events.LogEventLevel.Information))
        {
            var url = context.RawQuery.Length == 0 ? context.Path : context.Path + "?" + context.RawQuery;
            log.Information("{Method} {Url} {Status} {ElapsedMs:0.0}ms {Client} {RequestId}",
                context.Method, Credentials.MaskTokens(url), status, elapsed.TotalMilliseconds, context.ClientAddress.ToString(), context.RequestId);
        }
    }

    private async Task<ApiResponse> RunAsync(RequestContext context)
    {
        if (context.Method == "OPTIONS")
        {
            return Preflight(context);
        }

        var match = router.Find(context.Method, context.Path);
        if (match.Route is null)
        {
            if (match.Allow is not null)
            {
                throw ApiException.MethodNotAllowed(context.Method, match.Allow);
            }

            throw ApiException.NotFound();
        }

        var route = match.Route;
        context.RouteParameters = match.Parameters;
        context.RouteTemplate = route.Template;
        context.ErrorStyle = route.Errors;

        if (route.Policy != RoutePolicy.WebSocket)
        {
            context.RawBody = await ReadBodyAsync(context.ListenerContext.Request).ConfigureAwait(false);
            var token = Credentials.FromHeader(context.Header("Authorization"));
            if (route.Policy == RoutePolicy.Authenticated)
            {
                context.Principal = token is null ? throw ApiException.NotAuthenticated() : authenticator.Authenticate(token);
            }
            else if (token is not null)
            {
                context.AuthenticateOnDemand(() => authenticator.Authenticate(token));
            }
        }

        return await route.Handler(context).ConfigureAwait(false);
    }

    /// <summary>OPTIONS on any path: 204, with the preflight headers for an allowed origin only.</summary>
    private ApiResponse Preflight(RequestContext context)
    {
        var response = ApiResponse.NoContent;
        if (router.Find("OPTIONS", context.Path).Allow is { } allow)
        {
            response.WithHeader("Allow", allow);
        }

        var origin = context.Header("Origin");
        if (origin is not null && cors.IsAllowed(origin, context.Header("Host")))
        {
            response.Headers.AddRange(Cors.PreflightHeaders());
        }

        return response;
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpListenerRequest request)
    {
        if (request.ContentLength64 > maxBodyBytes)
        {
            throw TooLarge();
        }

        if (request.ContentLength64 == 0 || !request.HasEntityBody)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // The listener's request stream ignores cancellation, so the deadline is enforced around each read.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var capacity = request.ContentLength64 > 0 ? (int)request.ContentLength64 : 4096;
        var buffer = new byte[Math.Min(capacity, (int)Math.Min(maxBodyBytes + 1, int.MaxValue))];
        var length = 0;
        var stream = request.InputStream;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBodyBytes)
                    {
                        throw TooLarge();
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBodyBytes + 1));
                }

                var remaining = BodyReadTimeout - deadline.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                // A body that is already here (the usual case) is read at once, with no deadline timer.
                var reading = stream.ReadAsync(buffer.AsMemory(length));
                var read = reading.IsCompleted ? reading.GetAwaiter().GetResult() : await reading.AsTask().WaitAsync(remaining).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBodyBytes)
                {
                    throw TooLarge();
                }
            }
        }
        catch (TimeoutException)
        {
            throw new ApiException(408, "The request body did not arrive in time.");
        }

        return buffer.AsMemory(0, length);
    }

    private ApiException TooLarge() => new(413, $"Request body is larger than the limit of {maxBodyBytes} bytes.");

    private static ApiResponse ErrorResponse(ApiException ex, ErrorStyle style = ErrorStyle.Rest)
    {
        var response = ApiResponse.RawJson(ErrorBodies.For(ex, style), ex.Status);
        if (ex.Status == 401)
        {
            response.WithHeader("WWW-Authenticate", "Bearer realm=\"api\"");
        }

        if (ex.Allow is not null)
        {
            response.WithHeader("Allow", ex.Allow);
        }

        if (ex.RetryAfterSeconds is { } seconds)
        {
            response.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>Writes an error answer straight to a listener context (used before the pipeline runs,
    /// e.g. when the connection limit refuses a request).</summary>
    public static Task WriteErrorAsync(HttpListenerContext listenerContext, ApiException error, Cors? cors = null) =>
        WriteCoreAsync(listenerContext, RequestIds.For(listenerContext.Request.Headers["X-Request-Id"]), ErrorResponse(error), cors);

    private Task WriteAsync(HttpListenerContext listenerContext, RequestContext context, ApiResponse response) =>
        WriteCoreAsync(listenerContext, context.RequestId, response, cors);

    private static async Task WriteCoreAsync(HttpListenerContext listenerContext, string requestId, ApiResponse response, Cors? cors)
    {
        var http = listenerContext.Response;
        try
        {
            http.StatusCode = response.Status;
            var headers = http.Headers;
            headers["X-Request-Id"] = requestId;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            var origin = listenerContext.Request.Headers["Origin"];
            if (cors is not null && origin is not null && cors.IsAllowed(origin, listenerContext.Request.Headers["Host"]))
            {
                foreach (var (name, value) in cors.ResponseHeaders(origin))
                {
                    headers[name] = value;
                }
            }

            foreach (var (name, value) in response.Headers)
            {
                headers[name] = value;
            }

            if (response.ContentType is { Length: > 0 } contentType)
            {
                http.ContentType = contentType;
            }

            if (response.Status is 408 or 413)
            {
                // The body was not read to its end; the connection cannot carry another request.
                http.KeepAlive = false;
            }

            var isHead = listenerContext.Request.HttpMethod == "HEAD";
            http.ContentLength64 = response.Body.Length;
            if (response.Body.Length > 0 && !isHead)
            {
                await http.OutputStream.WriteAsync(response.Body).ConfigureAwait(false);
            }

            http.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client closed the connection first.
            try
            {
                http.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

}
