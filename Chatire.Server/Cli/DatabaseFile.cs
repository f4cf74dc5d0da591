namespace Chatire.Cli;

/// <summary>Whether the database a command names is there, and the sentence when it is not.</summary>
public static class DatabaseFile
{
    /// <summary>True for an existing file, and for a database URL (a server the command cannot look into beforehand).</summary>
    public static bool Exists(string database) => Core.DatabaseLocation.LooksLikeUrl(database) || File.Exists(database);

    public static string Missing(string database) =>
        $"There is no database at '{Path.GetFullPath(database)}': check --db (or CHATIRE_DB). 'chatire serve' and 'chatire user create' create a new one.";
}
