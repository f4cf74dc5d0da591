using System.Collections.Concurrent;

namespace Chatire.Auth;

/// <summary>
/// Runs password hashing (bcrypt) on a few dedicated threads, off the thread pool that serves requests,
/// so a flood of logins queues here instead of starving every other request. One thread fewer than the
/// processors (at least one) keeps a core free for the rest of the server.
/// </summary>
public sealed class PasswordWorkers : IDisposable
{
    private readonly BlockingCollection<Action> _jobs = new(new ConcurrentQueue<Action>());
    private readonly Thread[] _threads;
    private int _pending;

    public PasswordWorkers(int? concurrency = null)
    {
        Concurrency = concurrency ?? Math.Max(1, Environment.ProcessorCount - 1);
        _threads = new Thread[Concurrency];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"chatire-password-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>How many hashes run at once.</summary>
    public int Concurrency { get; }

    /// <summary>Jobs queued or running.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Runs <paramref name="work"/> on a password thread; the returned task completes on the thread pool.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        try
        {
            _jobs.Add(() =>
            {
                try
                {
                    completion.TrySetResult(work());
                }
                catch (Exception ex)
                {
                    completion.TrySetException(ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            });
        }
        catch (InvalidOperationException)
        {
            Interlocked.Decrement(ref _pending);
            return Task.FromException<T>(new ObjectDisposedException(nameof(PasswordWorkers), "The server is stopping."));
        }

        return completion.Task;
    }

    private void Loop()
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            job();
        }
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }
    }
}
