using Chatire.Chat;
using Chatire.Core;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// A chat socket's posts: each starts without waiting for the commit, so a busy publisher has several
/// messages in one group commit. At most <see cref="MaxInFlight"/> are pending; after that the reader
/// waits (and TCP pushes back on the client). Answers (acks and error frames) go out in the order the
/// frames came, whatever order the commits finish in. Called from the socket's reader only.
/// </summary>
public sealed class PostPipeline(Outbox outbox, ProtocolVersion version, ILogger log, string name)
{
    /// <summary>Posts of one socket waiting for their commit before the reader stops reading.</summary>
    public const int MaxInFlight = 32;

    private SemaphoreSlim? _slots; // made on the first post: most sockets only listen
    private Task _answered = Task.CompletedTask; // the answer to the newest frame; later answers wait for it

    /// <summary>Waits for a free slot, then starts the post (synchronously up to its queued write, so posts reach
    /// the writer in frame order) and schedules its answer.</summary>
    public async ValueTask PostAsync(Func<Task<PostResult>> post, string? clientId)
    {
        _slots ??= new SemaphoreSlim(MaxInFlight);
        await _slots.WaitAsync().ConfigureAwait(false);
        Task<PostResult> posting;
        try
        {
            posting = post();
        }
        catch (Exception ex)
        {
            posting = Task.FromException<PostResult>(ex);
        }

        _answered = AnswerAsync(posting, clientId, _answered);
    }

    /// <summary>Queues a frame once the answers to earlier frames are queued.</summary>
    public void AfterAnswers(OutboundFrame frame)
    {
        var previous = _answered;
        if (previous.IsCompleted)
        {
            outbox.Enqueue(frame);
        }
        else
        {
            _answered = previous.ContinueWith(_ => outbox.Enqueue(frame), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>A well-formed but invalid frame: dropped in v1, an error frame in v2 (after earlier answers).</summary>
    public void Invalid(string detail, string? clientId = null)
    {
        if (version == ProtocolVersion.V2)
        {
            AfterAnswers(new OutboundFrame(0, SocketProtocol.Error(detail, clientId)));
        }
    }

    public static string Describe(ValidationException ex) => string.Join(" ", ex.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));

    /// <summary>Describes a failed operation for an error frame (logging what is not the client's fault).</summary>
    public string Describe(Exception ex) => ex switch
    {
        ValidationException validation => Describe(validation),
        ApiException api => api.Detail,
        _ => LogAndHide(ex),
    };

    private string LogAndHide(Exception ex)
    {
        log.Error(ex, "A WebSocket request failed for {Socket}", name);
        return "A server error occurred.";
    }

    /// <summary>Waits for a post and the answer before it, then acks (v2) or reports the error.</summary>
    private async Task AnswerAsync(Task<PostResult> post, string? clientId, Task previous)
    {
        string? error = null;
        long id = 0;
        try
        {
            id = (await post.ConfigureAwait(false)).Message.Message.Id;
        }
        catch (Exception ex)
        {
            error = Describe(ex);
        }
        finally
        {
            _slots!.Release();
        }

        // Already behind every earlier answer: the frame is queued directly (this runs off the reader's thread).
        await previous.ConfigureAwait(false);
        if (version == ProtocolVersion.V2)
        {
            outbox.Enqueue(new OutboundFrame(0, error is null ? SocketProtocol.Ack(clientId, id) : SocketProtocol.Error(error, clientId)));
        }
    }
}
