using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Chatire.Storage;

/// <summary>
/// Makes one <c>chatire serve</c> the owner of an SQLite file: an exclusive lock on <c>&lt;db&gt;.lock</c>,
/// held for the server's lifetime, with the holder's PID and command written in it. The lock is the
/// operating system's (flock on Unix, a sharing mode on Windows), so a server that dies, even by SIGKILL,
/// leaves nothing that blocks the next start. Admin commands do not take it.
/// </summary>
public sealed partial class ServeLock : IDisposable
{
    private readonly FileStream _file;

    private ServeLock(FileStream file) => _file = file;

    /// <summary>The lock file, beside the database.</summary>
    public static string PathFor(string databasePath) => System.IO.Path.GetFullPath(databasePath) + ".lock";

    /// <summary>Takes the lock of <paramref name="databasePath"/>.</summary>
    /// <exception cref="DatabaseException">Another process holds it, or the lock file cannot be made.</exception>
    public static ServeLock Acquire(string databasePath)
    {
        var fullPath = System.IO.Path.GetFullPath(databasePath);
        var path = PathFor(databasePath);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (DirectoryNotFoundException)
        {
            throw new DatabaseException($"The directory of the database file '{fullPath}' does not exist.");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DatabaseException($"The lock file '{path}' cannot be created: {ex.Message}", ex);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new DatabaseException(HeldMessage(fullPath, ReadHolder(path)), ex);
        }

        try
        {
            var holder = Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n{CommandOf(Environment.ProcessId) ?? Environment.CommandLine}\n");
            file.SetLength(0);
            file.Write(holder);
            file.Flush(flushToDisk: false);
        }
        catch (IOException)
        {
            // The lock is what counts; the note about its holder only helps the message of a second start.
        }

        return new ServeLock(file);
    }

    public void Dispose() => _file.Dispose();

    private static string HeldMessage(string databasePath, (int Pid, string? Command)? holder)
    {
        var who = "another process";
        if (holder is { } h)
        {
            who = (CommandOf(h.Pid) ?? h.Command) is { Length: > 0 } command ? $"process {h.Pid} ({command})" : $"process {h.Pid}";
        }

        return $"The database '{databasePath}' is in use by {who}, and one SQLite file is served by one chatire serve at a time. " +
            "Stop that server first, or run several nodes on PostgreSQL (--db postgres://user:password@host:5432/chatire).";
    }

    /// <summary>The PID and command written in a lock file that another process holds. The lock is
    /// advisory, but .NET's own file streams honour it even for reading, so the file is read through a
    /// plain descriptor.</summary>
    private static (int Pid, string? Command)? ReadHolder(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var fd = open(path, 0 /* O_RDONLY */ | 0x80000 /* O_CLOEXEC */);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = new byte[4096];
        int length;
        try
        {
            length = RandomAccess.Read(handle, buffer, 0);
        }
        catch (IOException)
        {
            return null;
        }

        var lines = Encoding.UTF8.GetString(buffer, 0, length).Split('\n', 2);
        return int.TryParse(lines[0], out var pid) && pid > 0 ? (pid, lines.Length > 1 ? lines[1].Trim() : null) : null;
    }

    /// <summary>A process's command line from /proc, when readable.</summary>
    private static string? CommandOf(int pid)
    {
        try
        {
            var raw = File.ReadAllBytes($"/proc/{pid}/cmdline");
            var text = Encoding.UTF8.GetString(raw).TrimEnd('\0').Replace('\0', ' ');
            return text.Length == 0 ? null : text.Length > 300 ? text[..300] + "…" : text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);
}
