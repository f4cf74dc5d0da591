using System.Text.Json.Nodes;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Realtime;

/// <summary>Helpers shared by the WebSocket tests: a chat with members and socket URLs.</summary>
public static class RealtimeFixture
{
    public sealed record Room(string Uri, TestUsers.Account Owner, TestUsers.Account Member);

    /// <summary>alice owns a chat bob has joined.</summary>
    public static async Task<Room> RoomAsync(this TestServer server, string owner = "alice", string member = "bob")
    {
        var alice = await server.CreateUserAsync(owner);
        var bob = await server.CreateUserAsync(member);
        var uri = await server.Api.CreateChatAsync(alice.Token);
        await server.Api.JoinChatAsync(bob.Token, uri);
        return new Room(uri, alice, bob);
    }

    public static Uri Socket(this TestServer server, string uri, string? token, string query = "", int? port = null)
    {
        var parameters = new List<string>();
        if (token is not null)
        {
            parameters.Add("token=" + Uri.EscapeDataString(token));
        }

        if (query.Length > 0)
        {
            parameters.Add(query);
        }

        return server.WebSocketUri($"/ws/chats/{uri}/" + (parameters.Count > 0 ? "?" + string.Join("&", parameters) : ""), port);
    }

    public static Task<WebSocketClient> ConnectAsync(this TestServer server, string uri, string? token, string query = "") =>
        WebSocketClient.ConnectAsync(server.Socket(uri, token, query));

    public static string Text(this JsonNode node, string name) => node[name]!.GetValue<string>();

    public static long Long(this JsonNode node, string name) => node[name]!.GetValue<long>();
}
