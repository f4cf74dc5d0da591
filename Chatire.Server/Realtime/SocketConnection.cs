using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Unicode;
using Chatire.Chat;
using Chatire.Core;
using Chatire.Observability;
using Chatire.Storage;
using Serilog;

namespace Chatire.Realtime;

/// <summary>
/// A chat socket: its <see cref="Outbox"/> (the one writer), a <see cref="FrameReader"/> turning client
/// frames into posts through the <see cref="PostPipeline"/>, read markers and typing notices (v2), and
/// the opening: presence (v2) and the since replay go out before any queued frame.
/// </summary>
public sealed class SocketConnection : RealtimeSocket
{
    private readonly ChatService _chats;
    private readonly ILogger _log;
    private readonly int _maxFrameBytes;
    private readonly PostPipeline _posts;

    public SocketConnection(Core.Chat chat, Principal? principal, string? token, ProtocolVersion version, bool batching, long? since,
        int queueCapacity, int maxFrameBytes, ChatService chats, Metrics metrics, ILogger log)
        : base(principal, token, new Outbox(queueCapacity, batching, metrics, log, "chat " + chat.Uri))
    {
        Chat = chat;
        Version = version;
        Since = since;
        _maxFrameBytes = maxFrameBytes;
        _chats = chats;
        _log = log;
        _posts = new PostPipeline(Outbox, version, log, Outbox.Name);
    }

    public Core.Chat Chat { get; }

    public ProtocolVersion Version { get; }

    public long? Since { get; }

    /// <summary>Who was online when the socket subscribed (protocol v2's first frame).</summary>
    public IReadOnlyList<User> Presence { get; set; } = [];

    /// <summary>Runs the socket until it closes: presence and the since replay go first, then the outbox.</summary>
    public override async Task RunAsync(WebSocket socket)
    {
        Outbox.Attach(socket);
        try
        {
            var opening = Task.Run(OpenAsync);
            await FrameReader.RunAsync(socket, Outbox, _maxFrameBytes, HandleTextAsync, _log, Outbox.Name).ConfigureAwait(false);
            await opening.ConfigureAwait(false);
            await Outbox.Done.ConfigureAwait(false);
        }
        finally
        {
            Outbox.Dispose();
            socket.Dispose();
        }
    }

    /// <summary>Sends presence (v2) and the since replay (packed into batches when the socket batches), then
    /// lets the outbox flow. A v1 replay skips deleted messages, edits and deletes (v1 clients know no tombstones).</summary>
    private async Task OpenAsync()
    {
        try
        {
            if (Version == ProtocolVersion.V2)
            {
                var presence = SocketProtocol.Presence(Presence);
                Presence = [];
                await Outbox.SendNowAsync(presence).ConfigureAwait(false);
            }

            if (Since is { } since)
            {
                var replay = _chats.Since(Chat, since);
                await Outbox.SendNowAsync(ReplayFrames(replay)).ConfigureAwait(false);
                if (replay.Count > 0)
                {
                    Outbox.SkipUpTo(replay[^1].Position);
                }
            }
        }
        catch (Exception ex)
        {
            Outbox.Fail(ex);
            return;
        }

        Outbox.Open();
    }

    /// <summary>The replay as frames: a v1 replay skips deleted messages, edits and deletes.</summary>
    private IEnumerable<byte[]> ReplayFrames(IReadOnlyList<TimelineEntry> replay)
    {
        foreach (var entry in replay)
        {
            if (Version == ProtocolVersion.V2)
            {
                yield return SocketProtocol.Timeline(entry);
            }
            else if (entry is { Kind: TimelineKind.Message, Message.Message.Deleted: false })
            {
                yield return SocketProtocol.MessageV1(entry.Message);
            }
        }
    }

    /// <summary>Parses and checks a client frame, then posts it, moves the read marker or forwards a typing notice.</summary>
    private async ValueTask HandleTextAsync(ReadOnlyMemory<byte> utf8)
    {
        if (!Utf8.IsValid(utf8.Span))
        {
            Reject("Invalid UTF-8.");
            return;
        }

        InboundFrame? frame;
        string? error;
        string? clientId;
        try
        {
            (frame, error, clientId) = InboundFrame.Parse(utf8.Span, Version);
        }
        catch (JsonException ex)
        {
            Reject("Invalid JSON: " + ex.Message);
            return;
        }

        if (frame is null)
        {
            _posts.Invalid(error!, clientId);
            return;
        }

        if (User is not { } user)
        {
            _posts.Invalid(frame.Kind == InboundKind.Post ? "Anonymous sockets cannot post; connect with a token." : "Anonymous sockets cannot send this frame; connect with a token.", clientId);
            return;
        }

        switch (frame.Kind)
        {
            case InboundKind.Typing:
                _chats.Typing(Chat, user);
                return;
            case InboundKind.Read:
                await MarkReadAsync(user, frame.UpTo).ConfigureAwait(false);
                return;
        }

        try
        {
            ChatService.Validate(frame.Message, frame.ClientId, new FieldErrors());
        }
        catch (ValidationException ex)
        {
            _posts.Invalid(PostPipeline.Describe(ex), clientId);
            return;
        }

        await _posts.PostAsync(() => _chats.PostAsync(Chat, user, frame.Message, frame.ClientId), frame.ClientId).ConfigureAwait(false);
    }

    /// <summary>Moves the read marker; the read frame it causes is the answer, an error frame the failure.</summary>
    private async Task MarkReadAsync(User user, long upTo)
    {
        try
        {
            await _chats.MarkReadAsync(Chat, user, upTo).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _posts.Invalid(_posts.Describe(ex));
        }
    }

    /// <summary>Invalid JSON or UTF-8: close 1007 in v1, an error frame in v2.</summary>
    private void Reject(string detail)
    {
        if (Version == ProtocolVersion.V2)
        {
            _posts.AfterAnswers(new OutboundFrame(0, SocketProtocol.Error(detail)));
        }
        else
        {
            Close(CloseCodes.InvalidData, detail);
        }
    }
}
