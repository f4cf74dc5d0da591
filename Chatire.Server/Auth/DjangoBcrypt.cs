using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Chatire.Auth;

/// <summary>
/// Django's two bcrypt formats. <c>bcrypt_sha256$</c> + the bcrypt hash of the lowercase hex SHA-256 of
/// the UTF-8 password (the pre-hash lifts bcrypt's 72-byte limit), and plain <c>bcrypt$</c> + the
/// bcrypt hash of the password itself. The bcrypt part is <c>$2b$&lt;cost&gt;$</c> + 22 characters of
/// salt + 31 of hash; <c>$2a$</c> and <c>$2y$</c> name the same algorithm and verify too.
/// </summary>
internal static partial class DjangoBcrypt
{
    public const string Sha256Algorithm = "bcrypt_sha256";
    public const string PlainAlgorithm = "bcrypt";
    public const int MinCost = 4;
    public const int MaxCost = 31;

    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    [GeneratedRegex(@"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$")]
    private static partial Regex BcryptPattern();

    /// <summary>A new <c>bcrypt_sha256$$2b$&lt;cost&gt;$…</c> hash with a random salt, as Django writes it.</summary>
    public static string HashSha256(string password, int cost) =>
        $"{Sha256Algorithm}${BCrypt.Net.BCrypt.HashPassword(PreHash(password), BCrypt.Net.BCrypt.GenerateSalt(cost, 'b'))}";

    /// <summary>A well-formed bcrypt_sha256 hash that no password matches, costing one full bcrypt run to check.</summary>
    public static string Unmatchable(int cost) =>
        $"{Sha256Algorithm}${BCrypt.Net.BCrypt.GenerateSalt(cost, 'b')}{RandomNumberGenerator.GetString(Alphabet, 31)}";

    /// <summary>The lowercase hex SHA-256 of the UTF-8 password: what bcrypt_sha256 hands to bcrypt.</summary>
    public static string PreHash(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    /// <summary>Whether <paramref name="key"/> matches the bcrypt part (after the algorithm and its <c>$</c>);
    /// null when that part is not a bcrypt hash.</summary>
    public static bool? Verify(string key, string bcrypt)
    {
        if (!BcryptPattern().IsMatch(bcrypt))
        {
            return null;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(key, bcrypt);
        }
        catch (ArgumentException)
        {
            // A password that is not valid UTF-16 (a lone surrogate) cannot be the one that was hashed.
            return false;
        }
    }

    /// <summary>The cost of a well-formed bcrypt_sha256 hash; null for any other hash.</summary>
    public static int? Sha256Cost(string encoded)
    {
        var prefix = Sha256Algorithm + "$";
        if (!encoded.StartsWith(prefix, StringComparison.Ordinal) || !BcryptPattern().IsMatch(encoded.AsSpan(prefix.Length)))
        {
            return null;
        }

        return int.Parse(encoded.AsSpan(prefix.Length + 4, 2), provider: System.Globalization.CultureInfo.InvariantCulture);
    }
}
