using System.Runtime.InteropServices;

namespace Chatire.Bench;

/// <summary>
/// Linux epoll for the generator's raw subscribers: one wait returns just the sockets with data, where
/// <c>Socket.Select</c> scans every socket on every call (thousands of them in the wide scenarios).
/// Level-triggered, so a socket not drained in one pass is reported again.
/// </summary>
internal sealed partial class Epoll : IDisposable
{
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;

    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _fd;
    private readonly byte[] _events;

    private Epoll(int fd, int capacity)
    {
        _fd = fd;
        _events = new byte[EventSize * capacity];
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    public static Epoll Create(int capacity)
    {
        var fd = epoll_create1(0);
        return fd >= 0 ? new Epoll(fd, capacity) : throw new BenchException($"epoll_create1 failed ({Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Watches <paramref name="fd"/> for input; <paramref name="token"/> comes back from <see cref="Wait"/>.</summary>
    public void Add(int fd, int token)
    {
        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        BitConverter.TryWriteBytes(ev, EpollIn);
        BitConverter.TryWriteBytes(ev[DataOffset..], (ulong)token);
        if (epoll_ctl(_fd, EpollCtlAdd, fd, ref MemoryMarshal.GetReference(ev)) != 0)
        {
            throw new BenchException($"epoll_ctl failed ({Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Stops watching <paramref name="fd"/> (a socket that ended would otherwise be reported ready forever).</summary>
    public void Remove(int fd)
    {
        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        _ = epoll_ctl(_fd, EpollCtlDel, fd, ref MemoryMarshal.GetReference(ev));
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> and writes the ready tokens; returns how many.</summary>
    public int Wait(Span<int> ready, int timeoutMs)
    {
        var count = epoll_wait(_fd, ref _events[0], Math.Min(ready.Length, _events.Length / EventSize), timeoutMs);
        if (count < 0)
        {
            return 0; // EINTR
        }

        for (var i = 0; i < count; i++)
        {
            ready[i] = (int)BitConverter.ToUInt64(_events, (i * EventSize) + DataOffset);
        }

        return count;
    }

    public void Dispose() => close(_fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, ref byte ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, ref byte events, int maxevents, int timeout);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
