using Chatire.Core;
using Chatire.Http;

namespace Chatire.Web;

/// <summary>
/// Serves the built-in browser client from embedded resources: the page at <c>/</c>, <c>/index.html</c>
/// and every chat URL <c>/chats/&lt;uri&gt;/</c> (revalidated with its ETag on every load), and its assets at
/// <c>/assets/&lt;version&gt;/&lt;file&gt;</c> (immutable, cached for a year).
/// </summary>
public sealed class WebClient
{
    private const string PageCaching = "no-cache";
    private const string AssetCaching = "public, max-age=31536000, immutable";

    private readonly WebAssets _assets;

    public WebClient()
        : this(WebAssets.Load())
    {
    }

    public WebClient(WebAssets assets) => _assets = assets;

    public WebAssets Assets => _assets;

    public Task<ApiResponse> Serve(RequestContext context)
    {
        if (context.RouteParameters.TryGetValue("file", out var file))
        {
            if (context.Route("version") != _assets.Version || _assets.Asset(file) is not { } asset)
            {
                throw ApiException.NotFound();
            }

            return Task.FromResult(Send(context, asset, AssetCaching));
        }

        var page = Send(context, _assets.Index, PageCaching);
        page.Headers.AddRange(SecurityHeaders.For(context.Header("Host")));
        return Task.FromResult(page);
    }

    private static ApiResponse Send(RequestContext context, WebAsset asset, string caching)
    {
        ApiResponse response;
        if (Matches(context.Header("If-None-Match"), asset.ETag))
        {
            response = ApiResponse.Bytes(ReadOnlyMemory<byte>.Empty, "", 304);
        }
        else if (asset.Gzipped is { } gzipped && AcceptsGzip(context.Header("Accept-Encoding")))
        {
            response = ApiResponse.Bytes(gzipped, asset.ContentType).WithHeader("Content-Encoding", "gzip");
        }
        else
        {
            response = ApiResponse.Bytes(asset.Content, asset.ContentType);
        }

        response.WithHeader("ETag", asset.ETag).WithHeader("Cache-Control", caching);
        if (asset.Gzipped is not null)
        {
            response.WithHeader("Vary", "Accept-Encoding");
        }

        return response;
    }

    /// <summary>If-None-Match: a list of entity tags (weak ones compare equal too) or *.</summary>
    private static bool Matches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrEmpty(ifNoneMatch))
        {
            return false;
        }

        foreach (var candidate in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (tag == "*" || tag == etag)
            {
                return true;
            }
        }

        return false;
    }

    private static bool AcceptsGzip(string? acceptEncoding)
    {
        if (acceptEncoding is null)
        {
            return false;
        }

        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (!pieces[0].Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return !pieces.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
        }

        return false;
    }
}
