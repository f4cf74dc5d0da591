using Chatire.Api.Wire;
using Chatire.Auth;
using Chatire.Core;
using Chatire.Http;

namespace Chatire.Api;

/// <summary>djoser token login/logout and the Simple JWT style create/refresh/verify/blacklist
/// (also at Simple JWT's conventional /api/token/... paths).</summary>
public sealed class TokensApi(LoginService logins, TokenService tokens)
{
    /// <summary>POST /auth/token/login/: 200 {"auth_token"}.</summary>
    public async Task<ApiResponse> Login(RequestContext context)
    {
        var user = await LoginAsync(context).ConfigureAwait(false);
        var issued = await tokens.IssueAuthTokenAsync(user.Id).ConfigureAwait(false);
        return ApiResponse.Json(new AuthTokenResponse(issued.Value), ApiJsonContext.Wire.AuthTokenResponse);
    }

    /// <summary>POST /auth/token/logout/: 204; the presented token (and its family) is revoked.</summary>
    public async Task<ApiResponse> Logout(RequestContext context)
    {
        await tokens.RevokeTokenAndFamilyAsync(context.User.Token).ConfigureAwait(false);
        return ApiResponse.NoContent;
    }

    /// <summary>POST /auth/jwt/create/: a new family.</summary>
    public async Task<ApiResponse> JwtCreate(RequestContext context)
    {
        var user = await LoginAsync(context).ConfigureAwait(false);
        return Pair(await tokens.CreatePairAsync(user.Id).ConfigureAwait(false));
    }

    /// <summary>POST /api/log_in/ and /api/token/ (Simple JWT's obtain-pair view, the taxi app's login):
    /// a new family, answered {"refresh", "access"}.</summary>
    public async Task<ApiResponse> ObtainPair(RequestContext context)
    {
        var user = await LoginAsync(context).ConfigureAwait(false);
        var pair = await tokens.CreatePairAsync(user.Id).ConfigureAwait(false);
        return ApiResponse.Json(new TokenObtainPairResponse(pair.Refresh, pair.Access), ApiJsonContext.Wire.TokenObtainPairResponse);
    }

    /// <summary>POST /auth/jwt/refresh/ (and the --refresh-path alias): {"refresh"} rotates, {"token"} extends.</summary>
    public async Task<ApiResponse> JwtRefresh(RequestContext context)
    {
        var body = context.Body;
        var errors = new FieldErrors();
        if (body.Has("refresh"))
        {
            var refresh = RequiredToken(body, "refresh", errors);
            errors.ThrowIfAny();
            return Pair(await tokens.RefreshAsync(refresh!).ConfigureAwait(false));
        }

        if (body.Has("token"))
        {
            var access = RequiredToken(body, "token", errors);
            errors.ThrowIfAny();
            return Pair(await tokens.RefreshFromAccessAsync(access!).ConfigureAwait(false));
        }

        throw new ValidationException("refresh", "This field is required.");
    }

    /// <summary>POST /auth/jwt/verify/: 200 {} for any valid token.</summary>
    public Task<ApiResponse> JwtVerify(RequestContext context)
    {
        var errors = new FieldErrors();
        var token = RequiredToken(context.Body, "token", errors);
        errors.ThrowIfAny();
        tokens.Verify(token!);
        return Task.FromResult(Empty());
    }

    /// <summary>POST /auth/jwt/blacklist/ and /auth/logout/: 200 {}; the refresh token's family is revoked.</summary>
    public async Task<ApiResponse> JwtBlacklist(RequestContext context)
    {
        var errors = new FieldErrors();
        var refresh = RequiredToken(context.Body, "refresh", errors);
        errors.ThrowIfAny();
        await tokens.BlacklistAsync(refresh!).ConfigureAwait(false);
        return Empty();
    }

    private async Task<User> LoginAsync(RequestContext context)
    {
        var body = context.Body;
        var errors = new FieldErrors();
        var username = NotBlank(body, "username", errors);
        var password = NotBlank(body, "password", errors);
        errors.ThrowIfAny();
        return await logins.LoginAsync(username!, password!, context.ClientAddress.ToString()).ConfigureAwait(false);
    }

    private static string? NotBlank(RequestBody body, string field, FieldErrors errors)
    {
        var value = body.String(field, errors, required: true);
        if (value is { Length: 0 })
        {
            errors.Add(field, "This field may not be blank.");
            return null;
        }

        return value;
    }

    private static string? RequiredToken(RequestBody body, string field, FieldErrors errors) => NotBlank(body, field, errors);

    private static ApiResponse Pair(TokenService.Pair pair) =>
        ApiResponse.Json(new TokenPairResponse(pair.Access, pair.Refresh, pair.Access), ApiJsonContext.Wire.TokenPairResponse);

    private static ApiResponse Empty() => ApiResponse.Json(new EmptyResponse(), ApiJsonContext.Wire.EmptyResponse);
}
