using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Chatire.Auth;

/// <summary>
/// Django's <c>pbkdf2_sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;base64 hash&gt;</c>, verified only: every account
/// made before bcrypt, and Django's accounts at any iteration count. New hashes are bcrypt_sha256.
/// </summary>
internal static class Pbkdf2Sha256
{
    public const string Algorithm = "pbkdf2_sha256";

    /// <summary>Whether the password matches, in constant time; null when the hash is not well formed.</summary>
    public static bool? Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm || parts[2].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return null;
        }

        var expected = new byte[parts[3].Length];
        if (!Convert.TryFromBase64String(parts[3], expected, out var length) || length == 0)
        {
            return null;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(parts[2]), iterations, HashAlgorithmName.SHA256, length);
        return CryptographicOperations.FixedTimeEquals(actual, expected.AsSpan(0, length));
    }
}
