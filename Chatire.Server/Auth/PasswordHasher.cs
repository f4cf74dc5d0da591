using System.Security.Cryptography;
using System.Text;

namespace Chatire.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 in Django's format: <c>pbkdf2_sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;base64 hash&gt;</c>,
/// so hashes made by Django verify here and ours verify in Django.
/// </summary>
public sealed class PasswordHasher(int iterations)
{
    private const string Algorithm = "pbkdf2_sha256";
    private const int HashBytes = 32;
    private const string SaltAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public int Iterations { get; } = iterations;

    public string Hash(string password) => Hash(password, NewSalt(), Iterations);

    public static string Hash(string password, string salt, int iterations)
    {
        var derived = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Algorithm}${iterations}${salt}${Convert.ToBase64String(derived)}";
    }

    /// <summary>Checks a password against a stored hash in constant time. Unknown formats never match.</summary>
    public static bool Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm || !int.TryParse(parts[1], out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] expected;
        try
        {
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (expected.Length == 0)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>True when the hash was made with fewer iterations (or another format) than configured.</summary>
    public bool NeedsUpgrade(string encoded)
    {
        var parts = encoded.Split('$');
        return parts.Length != 4 || parts[0] != Algorithm || !int.TryParse(parts[1], out var iterations) || iterations < Iterations;
    }

    private static string NewSalt()
    {
        // Django uses 22 characters from this alphabet (about 128 bits).
        return RandomNumberGenerator.GetString(SaltAlphabet, 22);
    }
}
