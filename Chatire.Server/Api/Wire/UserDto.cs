using System.Text.Json.Serialization;
using Chatire.Core;

namespace Chatire.Api.Wire;

/// <summary>The user object of the API: never a password or token.</summary>
public sealed record UserDto(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("first_name")] string FirstName,
    [property: JsonPropertyName("last_name")] string LastName)
{
    public static UserDto From(User user) => new(user.Id, user.Username, user.Email, user.FirstName, user.LastName);
}
