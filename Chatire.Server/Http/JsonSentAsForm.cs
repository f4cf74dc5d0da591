using Chatire.Core;

namespace Chatire.Http;

/// <summary>
/// <c>curl -d '{"username": ...}'</c> without <c>-H 'Content-Type: application/json'</c> sends the JSON
/// as a form, which parses as one nameless field, so the answer is "This field is required." (as
/// Django REST Framework answers it). A field error for such a body also says what to send.
/// </summary>
public static class JsonSentAsForm
{
    public const string Hint = "Send Content-Type: application/json for a JSON body.";

    public static ApiException Explain(ApiException error, RequestContext context)
    {
        if (error is not ValidationException validation || !LooksLikeJson(context))
        {
            return error;
        }

        var errors = validation.Errors.ToDictionary(pair => pair.Key, pair => new List<string>(pair.Value));
        if (!errors.TryGetValue("non_field_errors", out var general))
        {
            errors["non_field_errors"] = general = [];
        }

        general.Add(Hint);
        return new ValidationException(errors);
    }

    private static bool LooksLikeJson(RequestContext context)
    {
        var mediaType = context.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var b in context.RawBody.Span)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'{';
        }

        return false;
    }
}
