using System.Net.WebSockets;
using Chatire.Core;

namespace Chatire.Realtime;

/// <summary>What the hub needs of every socket, chat socket or user stream: who holds it (for revocation and
/// the per-user limit), its outbox, and how to close it.</summary>
public abstract class RealtimeSocket(Principal? principal, string? token, Outbox outbox)
{
    /// <summary>The caller; null for an anonymous (read-only) chat socket.</summary>
    public Principal? Principal { get; } = principal;

    public User? User => Principal?.User;

    /// <summary>The token the socket was opened with, re-checked every housekeeping tick.</summary>
    public string? Token { get; } = token;

    protected Outbox Outbox { get; } = outbox;

    public bool IsClosing => Outbox.IsClosing;

    /// <summary>How long the current send has been stuck, or zero.</summary>
    public TimeSpan SendingFor => Outbox.SendingFor;

    /// <summary>Queues a frame (see <see cref="Outbox.Enqueue"/>).</summary>
    public bool Enqueue(OutboundFrame frame) => Outbox.Enqueue(frame);

    /// <summary>Asks the writer to close with <paramref name="status"/>; the first request wins.</summary>
    public void Close(WebSocketCloseStatus status, string reason) => Outbox.Close(status, reason);

    /// <summary>Drops the connection at once (dead or stuck peer).</summary>
    public void Abort() => Outbox.Abort();

    /// <summary>Runs the socket until it closes.</summary>
    public abstract Task RunAsync(WebSocket socket);
}
