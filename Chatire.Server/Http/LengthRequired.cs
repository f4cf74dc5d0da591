using System.Net;

namespace Chatire.Http;

/// <summary>
/// A POST or PUT with neither Content-Length nor chunked encoding (<c>curl -X POST</c> without
/// <c>-d</c>) is answered 411 by HttpListener itself, in HTML, and its connection is closed; the
/// context still arrives through GetContextAsync, and touching its connection (RemoteEndPoint,
/// the response) throws. Such a context is recognised here, from the request line and headers
/// alone, so nothing else touches it.
/// </summary>
public static class LengthRequired
{
    public static bool AnsweredByListener(HttpListenerRequest request)
    {
        var method = request.HttpMethod;
        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) && !string.Equals(method, "PUT", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var headers = request.Headers;
        return headers["Content-Length"] is null
            && headers["Transfer-Encoding"]?.Contains("chunked", StringComparison.OrdinalIgnoreCase) != true;
    }

    /// <summary>The path of the request without its query (the query may carry a token).</summary>
    public static string PathOf(HttpListenerRequest request)
    {
        var raw = request.RawUrl ?? "/";
        var query = raw.IndexOf('?');
        return query < 0 ? raw : raw[..query];
    }
}
