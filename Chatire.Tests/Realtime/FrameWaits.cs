using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Realtime;

/// <summary>Waiting for v2 frames of one type, skipping the others (presence, join, leave).</summary>
public static class FrameWaits
{
    /// <summary>The next frame whose type is <paramref name="type"/>; frames of the types in <paramref name="skip"/> are passed over.</summary>
    public static async Task<JsonNode> NextAsync(this WebSocketClient client, string type, TimeSpan? timeout = null, params string[] skip)
    {
        var deadline = DateTime.UtcNow + (timeout ?? WebSocketClient.DefaultTimeout);
        string[] passOver = skip.Length > 0 ? skip : ["presence", "join", "leave"];
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No {type} frame arrived.");
            }

            var frame = await client.ReceiveJsonAsync(left);
            var actual = frame["type"]?.GetValue<string>();
            if (actual == type)
            {
                return frame;
            }

            if (!passOver.Contains(actual))
            {
                throw new InvalidOperationException($"Expected a {type} frame, got {frame.ToJsonString()}");
            }
        }
    }

    /// <summary>True when no frame other than the skipped kinds arrives within <paramref name="quiet"/>.</summary>
    public static async Task<JsonNode?> NothingBut(this WebSocketClient client, TimeSpan quiet, params string[] skip)
    {
        var deadline = DateTime.UtcNow + quiet;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var (type, text) = await client.ReceiveAsync(deadline - DateTime.UtcNow);
                if (type != WebSocketMessageType.Text)
                {
                    return JsonNode.Parse("{\"type\":\"closed\"}");
                }

                var frame = JsonNode.Parse(text)!;
                if (!skip.Contains(frame["type"]?.GetValue<string>()))
                {
                    return frame;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }
}
