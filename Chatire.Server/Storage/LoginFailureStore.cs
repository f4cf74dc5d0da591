using Chatire.Core;

namespace Chatire.Storage;

/// <summary>
/// Failed logins kept in the database (PostgreSQL), so every node of a cluster counts the same
/// failures. Rows older than the throttling window are deleted as new ones arrive.
/// </summary>
public sealed class LoginFailureStore(Database database)
{
    private const string InsertSql = "INSERT INTO login_failures (key, at) VALUES (@key, @at)";
    private const string RecentSql = "SELECT at FROM login_failures WHERE key = @key AND at > @since ORDER BY at DESC LIMIT @limit";
    private const string ForgetSql = "DELETE FROM login_failures WHERE at <= @since";

    /// <summary>The newest failures of <paramref name="key"/> after <paramref name="since"/>, at most <paramref name="limit"/>, oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> Recent(string key, DateTimeOffset since, int limit) => database.Read(c =>
    {
        var command = Database.Command(c, RecentSql, ("@key", key), ("@since", Timestamps.ToText(since)), ("@limit", limit));
        using var reader = command.ExecuteReader();
        var times = new List<DateTimeOffset>();
        while (reader.Read())
        {
            times.Add(Timestamps.Parse(reader.GetString(0)));
        }

        times.Reverse();
        return times;
    });

    /// <summary>Counts one failure against each key, and forgets failures at or before <paramref name="forgetBefore"/>.</summary>
    public Task RecordAsync(IEnumerable<string> keys, DateTimeOffset at, DateTimeOffset forgetBefore) => database.WriteAsync(c =>
    {
        foreach (var key in keys)
        {
            Database.Execute(c, InsertSql, ("@key", key), ("@at", Timestamps.ToText(at)));
        }

        Database.Execute(c, ForgetSql, ("@since", Timestamps.ToText(forgetBefore)));
    });
}
