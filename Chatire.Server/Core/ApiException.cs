namespace Chatire.Core;

/// <summary>A failure with an HTTP meaning. Domain code throws these; one writer turns them into
/// Django-REST-Framework-shaped bodies.</summary>
public class ApiException(int status, string detail, string? code = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    /// <summary>DRF's "code" member, e.g. token_not_valid.</summary>
    public string? Code { get; } = code;
    /// <summary>Seconds for Retry-After (429).</summary>
    public int? RetryAfterSeconds { get; init; }
    /// <summary>Methods for Allow (405).</summary>
    public string? Allow { get; init; }

    public static ApiException NotFound() => new(404, "Not found.");

    public static ApiException Forbidden(string detail = "You do not have permission to perform this action.") => new(403, detail);

    public static ApiException NotAuthenticated() => new(401, "Authentication credentials were not provided.");

    public static ApiException TokenNotValid(string detail = "Token is invalid or expired") => new(401, detail, "token_not_valid");

    public static ApiException MethodNotAllowed(string method, string allow) => new(405, $"Method \"{method}\" not allowed.") { Allow = allow };

    public static ApiException Throttled(int seconds) =>
        new(429, $"Request was throttled. Expected available in {seconds} second{(seconds == 1 ? "" : "s")}.") { RetryAfterSeconds = seconds };

    public static ApiException BadRequest(string detail) => new(400, detail);
}

/// <summary>400 with messages per field (DRF's serializer errors); "non_field_errors" for the rest.</summary>
public sealed class ValidationException : ApiException
{
    public ValidationException(IReadOnlyDictionary<string, List<string>> errors)
        : base(400, "Invalid input.")
    {
        Errors = errors;
    }

    public ValidationException(string field, string message)
        : this(new Dictionary<string, List<string>> { [field] = [message] })
    {
    }

    public IReadOnlyDictionary<string, List<string>> Errors { get; }
}

/// <summary>503: the database cannot be reached right now (PostgreSQL restarting, network). The request
/// may be retried; a post retried with the same client_id is stored once.</summary>
public sealed class DatabaseUnavailableException : ApiException
{
    public DatabaseUnavailableException(Exception? cause = null)
        : base(503, "The database is unavailable; try again shortly.")
    {
        Cause = cause;
        RetryAfterSeconds = 1;
    }

    public Exception? Cause { get; }
}
