using System.Text.Json.Serialization;

namespace Chatire.Api.Wire;

public sealed record AuthTokenResponse([property: JsonPropertyName("auth_token")] string AuthToken);

/// <summary>jwt/create and jwt/refresh: Simple JWT's pair plus djangorestframework-jwt's "token".</summary>
public sealed record TokenPairResponse(
    [property: JsonPropertyName("access")] string Access,
    [property: JsonPropertyName("refresh")] string Refresh,
    [property: JsonPropertyName("token")] string Token);

public sealed record EmptyResponse;

public sealed record HealthResponse([property: JsonPropertyName("status")] string Status);
