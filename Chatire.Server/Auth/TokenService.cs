using System.Security.Cryptography;
using System.Text;
using Chatire.Configuration;
using Chatire.Core;
using Chatire.Storage;

namespace Chatire.Auth;

/// <summary>
/// Issues, checks, rotates and revokes tokens: opaque auth_tokens, and JWT-shaped access and refresh
/// tokens signed with the database's secret. The token table alone decides validity; a JWT-shaped
/// token's signature is checked first, so a forged payload is refused before any lookup. Checked
/// tokens are cached briefly so most requests do not touch the database; every revocation made
/// through this service clears the cache, so it takes effect on the very next request. Changes made
/// by another process (the CLI, a key rotation) take effect within <see cref="CacheLifetime"/>.
/// </summary>
public sealed class TokenService(Database database, TokenStore tokens, UserStore users, ChatireSettings settings, IClock clock)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    /// <summary>Longer than any token this server issues (a JWT with 150-character names, every one escaped).</summary>
    public const int MaxTokenLength = 8192;

    private readonly ExpiringCache<string, CachedToken> _cache = new(CacheLifetime, clock);

    // The signing key as last read; re-read after CacheLifetime so a rotation by the CLI is seen.
    private readonly ExpiringCache<string, byte[]?> _key = new(CacheLifetime, clock, capacity: 1);
    private ISessionEvents _events = NoSessionEvents.Instance;

    public void Subscribe(ISessionEvents events) => _events = events;

    public sealed record Pair(string Access, string Refresh);

    public sealed record Issued(string Value, TokenRecord Record);

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string NewValue() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string NewFamily() => Base64Url(RandomNumberGenerator.GetBytes(16));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private DateTimeOffset Now => Timestamps.Truncate(clock.UtcNow);

    /// <summary>Issues an auth_token (djoser); <paramref name="lifetime"/> defaults to --token-lifetime.</summary>
    public async Task<Issued> IssueAuthTokenAsync(long userId, TimeSpan? lifetime = null, string? label = null)
    {
        var now = Now;
        var value = NewValue();
        var hash = HashOf(value);
        var expires = now + (lifetime ?? settings.TokenLifetime);
        var id = await database.WriteAsync(c => TokenStore.Insert(c, hash, TokenKind.AuthToken, userId, null, label, now, expires, null)).ConfigureAwait(false);
        return new Issued(value, new TokenRecord(id, hash, TokenKind.AuthToken, userId, null, label, now, expires, null, null));
    }

    /// <summary>Starts a new family with an access and a refresh token (jwt/create).</summary>
    public async Task<Pair> CreatePairAsync(long userId)
    {
        var now = Now;
        var pair = await database.WriteAsync(c => InsertPair(c, userId, NewFamily(), now, now + settings.RefreshLifetime)).ConfigureAwait(false);
        return pair ?? throw ApiException.TokenNotValid("User not found");
    }

    /// <summary>Signs and stores an access and a refresh token carrying the user's current names. The key is
    /// read in the same transaction, so a pair is either revoked by a concurrent rotation or signed with the new key.</summary>
    private Pair? InsertPair(System.Data.Common.DbConnection c, long userId, string family, DateTimeOffset now, DateTimeOffset familyExpires)
    {
        if (UserStore.FindById(c, userId) is not { } user)
        {
            return null;
        }

        var key = RememberKey(SecretStore.FindOrCreate(c, SecretStore.TokenSigningKey, JwtCodec.NewKey(), now));
        var accessExpires = Min(now + settings.AccessLifetime, familyExpires);
        var refreshExpires = Min(now + settings.RefreshLifetime, familyExpires);
        var access = JwtCodec.Encode(TokenKind.Access, user, now, accessExpires, key);
        var refresh = JwtCodec.Encode(TokenKind.Refresh, user, now, refreshExpires, key);
        TokenStore.Insert(c, HashOf(access), TokenKind.Access, userId, family, null, now, accessExpires, familyExpires);
        TokenStore.Insert(c, HashOf(refresh), TokenKind.Refresh, userId, family, null, now, refreshExpires, familyExpires);
        return new Pair(access, refresh);
    }

    /// <summary>Creates the signing secret when the database has none yet (the server's first start).</summary>
    public Task EnsureSigningKeyAsync() =>
        database.WriteAsync(c => RememberKey(SecretStore.FindOrCreate(c, SecretStore.TokenSigningKey, JwtCodec.NewKey(), Now)));

    /// <summary>Replaces the signing secret and revokes every access and refresh token (chatire token rotate-key);
    /// their sockets close at the next housekeeping tick. auth_tokens are not signed and stay valid.</summary>
    /// <returns>How many tokens were revoked.</returns>
    public async Task<int> RotateSigningKeyAsync()
    {
        var now = Now;
        var revoked = await database.WriteAsync(c =>
        {
            SecretStore.Replace(c, SecretStore.TokenSigningKey, JwtCodec.NewKey(), now);
            return TokenStore.RevokeAccessAndRefresh(c, now);
        }).ConfigureAwait(false);
        _key.Clear();
        _cache.Clear();
        return revoked;
    }

    private byte[] RememberKey(string stored)
    {
        var key = Convert.FromBase64String(stored);
        _key.Set("", key);
        return key;
    }

    /// <exception cref="ApiException">401 token_not_valid when a JWT-shaped token's signature is not ours.</exception>
    private void CheckSignature(string token)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            throw ApiException.TokenNotValid();
        }

        if (!JwtCodec.IsJwtShaped(token))
        {
            return; // An opaque token: an auth_token, or an access or refresh token issued before tokens were signed.
        }

        if (!_key.TryGet("", out var key))
        {
            key = database.Read(c => SecretStore.Find(c, SecretStore.TokenSigningKey)) is { } stored ? Convert.FromBase64String(stored) : null;
            _key.Set("", key);
        }

        if (key is null || !JwtCodec.HasValidSignature(token, key))
        {
            throw ApiException.TokenNotValid();
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Checks an access-capable token (auth_token or access) and its user.</summary>
    /// <exception cref="ApiException">401 token_not_valid.</exception>
    public Principal Authenticate(string token)
    {
        var (record, user) = Lookup(token);
        if (record.Kind == TokenKind.Refresh)
        {
            throw ApiException.TokenNotValid("Token has wrong type");
        }

        return new Principal(user, record);
    }

    /// <summary>Checks any kind of token (jwt/verify).</summary>
    public void Verify(string token) => Lookup(token);

    private (TokenRecord Record, User User) Lookup(string token)
    {
        CheckSignature(token);
        var hash = HashOf(token);
        var key = Convert.ToHexString(hash);
        var now = clock.UtcNow;
        if (!_cache.TryGet(key, out var cached))
        {
            var record = tokens.FindByHash(hash);
            cached = new CachedToken(record, record is null ? null : users.FindById(record.UserId));
            _cache.Set(key, cached);
        }

        if (cached.Record is null || cached.User is null || cached.Record.Revoked is not null || cached.Record.Expires <= now)
        {
            throw ApiException.TokenNotValid();
        }

        if (!cached.User.IsActive)
        {
            throw ApiException.TokenNotValid("User is inactive");
        }

        return (cached.Record, cached.User);
    }

    /// <summary>Rotates a refresh token. A revoked refresh token presented again revokes its whole family.</summary>
    public async Task<Pair> RefreshAsync(string refreshToken)
    {
        CheckSignature(refreshToken);
        var hash = HashOf(refreshToken);
        var now = Now;
        var (pair, reused, record) = await database.WriteAsync(c =>
        {
            var record = TokenStore.FindByHash(c, hash);
            if (record is null || record.Kind != TokenKind.Refresh || record.Family is null || record.Expires <= now)
            {
                return ((Pair?)null, false, record);
            }

            if (record.Revoked is not null)
            {
                TokenStore.RevokeFamily(c, record.Family, now);
                return (null, true, record);
            }

            if (!UserStore.IsActive(c, record.UserId))
            {
                return (null, false, record);
            }

            TokenStore.RevokeById(c, record.Id, now);
            return (InsertPair(c, record.UserId, record.Family, now, record.FamilyExpires ?? record.Expires), false, record);
        }).ConfigureAwait(false);

        if (reused && record is not null)
        {
            AfterFamilyRevoked(record.UserId, record.Family!);
        }
        else
        {
            _cache.Clear();
        }

        return pair ?? throw ApiException.TokenNotValid();
    }

    /// <summary>djangorestframework-jwt style refresh: a valid access token gets a new pair in its family.</summary>
    public async Task<Pair> RefreshFromAccessAsync(string accessToken)
    {
        var principal = Authenticate(accessToken);
        if (principal.Token.Kind != TokenKind.Access || principal.Token.Family is null)
        {
            throw ApiException.TokenNotValid("Token has wrong type");
        }

        var now = Now;
        var familyExpires = principal.Token.FamilyExpires ?? principal.Token.Expires;
        if (familyExpires <= now)
        {
            throw ApiException.TokenNotValid();
        }

        var pair = await database.WriteAsync(c => InsertPair(c, principal.User.Id, principal.Token.Family, now, familyExpires)).ConfigureAwait(false);
        return pair ?? throw ApiException.TokenNotValid("User not found");
    }

    /// <summary>Revokes the presented token, and its family if it has one (token/logout).</summary>
    public async Task RevokeTokenAndFamilyAsync(TokenRecord token)
    {
        var now = Now;
        await database.WriteAsync(c =>
        {
            TokenStore.RevokeById(c, token.Id, now);
            if (token.Family is not null)
            {
                TokenStore.RevokeFamily(c, token.Family, now);
            }
        }).ConfigureAwait(false);
        if (token.Family is not null)
        {
            AfterFamilyRevoked(token.UserId, token.Family);
        }
        else
        {
            _cache.Clear();
            _events.TokensRevoked(token.UserId, id => id == token.Id);
        }
    }

    /// <summary>Revokes the family of a refresh token (jwt/blacklist). The token must be a valid refresh token.</summary>
    public async Task BlacklistAsync(string refreshToken)
    {
        CheckSignature(refreshToken);
        var hash = HashOf(refreshToken);
        var now = Now;
        var record = await database.WriteAsync(c =>
        {
            var record = TokenStore.FindByHash(c, hash);
            if (record is null || record.Kind != TokenKind.Refresh || record.Family is null || record.Revoked is not null || record.Expires <= now)
            {
                return null;
            }

            TokenStore.RevokeFamily(c, record.Family, now);
            return record;
        }).ConfigureAwait(false);
        if (record is null)
        {
            throw ApiException.TokenNotValid();
        }

        AfterFamilyRevoked(record.UserId, record.Family!);
    }

    /// <summary>Revokes every token of the user except <paramref name="keep"/> and its family (set_password).</summary>
    public async Task RevokeOthersAsync(long userId, TokenRecord keep)
    {
        var now = Now;
        var revokedIds = await database.WriteAsync(c =>
        {
            var before = TokenStore.ActiveIds(c, userId);
            TokenStore.RevokeUserExcept(c, userId, keep.Id, keep.Family, now);
            before.ExceptWith(TokenStore.ActiveIds(c, userId));
            return before;
        }).ConfigureAwait(false);
        _cache.Clear();
        _events.TokensRevoked(userId, revokedIds.Contains);
    }

    /// <summary>Revokes every token of the user (deactivation, CLI).</summary>
    public async Task<int> RevokeAllAsync(long userId)
    {
        var now = Now;
        var count = await database.WriteAsync(c => TokenStore.RevokeUser(c, userId, now)).ConfigureAwait(false);
        _cache.Clear();
        _events.TokensRevoked(userId, _ => true);
        return count;
    }

    /// <summary>Revokes one token by id (CLI); false when there is no such active token.</summary>
    public async Task<bool> RevokeByIdAsync(long tokenId)
    {
        var now = Now;
        var userId = await database.WriteAsync(c =>
        {
            var owner = TokenStore.OwnerOfActive(c, tokenId);
            if (owner is not null)
            {
                TokenStore.RevokeById(c, tokenId, now);
            }

            return owner;
        }).ConfigureAwait(false);
        _cache.Clear();
        if (userId is { } uid)
        {
            _events.TokensRevoked(uid, id => id == tokenId);
        }

        return userId is not null;
    }

    /// <summary>Forgets cached lookups, e.g. after a user was changed.</summary>
    public void InvalidateCache() => _cache.Clear();

    /// <summary>Tells listeners an account was deactivated; its tokens fail from the next request.</summary>
    public void NotifyDeactivated(long userId)
    {
        _cache.Clear();
        _events.UserDeactivated(userId);
    }

    public Task<int> PruneExpiredAsync() => tokens.PruneAsync(Now - TimeSpan.FromDays(1));

    private void AfterFamilyRevoked(long userId, string family)
    {
        _cache.Clear();
        var familyIds = database.Read(c => TokenStore.FamilyIds(c, family));
        _events.TokensRevoked(userId, familyIds.Contains);
    }

    private sealed record CachedToken(TokenRecord? Record, User? User);
}
