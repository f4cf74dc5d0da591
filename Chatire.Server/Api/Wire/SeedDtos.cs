using System.Text.Json.Serialization;
using Chatire.Core;

namespace Chatire.Api.Wire;

/// <summary>The taxi app's sign-up answer: its UserSerializer's fields.</summary>
public sealed record TaxiUserDto(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("first_name")] string FirstName,
    [property: JsonPropertyName("last_name")] string LastName)
{
    public static TaxiUserDto From(User user) => new(user.Id, user.Username, user.FirstName, user.LastName);
}

/// <summary>Simple JWT's TokenObtainPairView answer (the taxi app's log_in).</summary>
public sealed record TokenObtainPairResponse(
    [property: JsonPropertyName("refresh")] string Refresh,
    [property: JsonPropertyName("access")] string Access);

/// <summary>Conduit's user: the account with the token the client keeps.</summary>
public sealed record ConduitUserDto(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("bio")] string Bio,
    [property: JsonPropertyName("image")] string Image)
{
    public static ConduitUserDto From(User user, string token) => new(user.Email, user.Username, token, user.Bio, user.Image);
}

/// <summary>Conduit's envelope: <c>{"user": {...}}</c>.</summary>
public sealed record ConduitUserResponse([property: JsonPropertyName("user")] ConduitUserDto User);
