using Serilog;

namespace Chatire.Auth;

/// <summary>
/// Passwords in Django's formats, so accounts move between Chatire and Django in both directions.
/// New hashes are <c>bcrypt_sha256</c> at the configured cost; <c>pbkdf2_sha256</c> (any iteration
/// count), <c>bcrypt_sha256</c> (any cost) and plain <c>bcrypt</c> verify. Anything else never verifies
/// and logs one warning naming the format, never the hash.
/// </summary>
public sealed class PasswordHasher
{
    private readonly ILogger _log;

    public PasswordHasher(int bcryptCost, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bcryptCost, DjangoBcrypt.MinCost);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bcryptCost, DjangoBcrypt.MaxCost);
        BcryptCost = bcryptCost;
        _log = log;
    }

    /// <summary>The bcrypt cost of new hashes (each step doubles the work).</summary>
    public int BcryptCost { get; }

    /// <summary>A new bcrypt_sha256 hash with a random salt.</summary>
    public string Hash(string password) => DjangoBcrypt.HashSha256(password, BcryptCost);

    /// <summary>A hash no password matches that costs what checking a current hash costs: the stand-in
    /// for unknown users, so the time of an answer does not tell who exists.</summary>
    public string NewDummyHash() => DjangoBcrypt.Unmatchable(BcryptCost);

    /// <summary>Checks a password against a stored hash in constant time.</summary>
    public bool Verify(string password, string encoded)
    {
        if (encoded.StartsWith('!'))
        {
            // Django's unusable password (set_unusable_password): a known way of saying "no password".
            return false;
        }

        var separator = encoded.IndexOf('$');
        var algorithm = separator > 0 ? encoded[..separator] : "";
        var result = algorithm switch
        {
            Pbkdf2Sha256.Algorithm => Pbkdf2Sha256.Verify(password, encoded),
            DjangoBcrypt.Sha256Algorithm => DjangoBcrypt.Verify(DjangoBcrypt.PreHash(password), encoded[(separator + 1)..]),
            DjangoBcrypt.PlainAlgorithm => DjangoBcrypt.Verify(password, encoded[(separator + 1)..]),
            _ => Unknown(algorithm),
        };
        if (result is null)
        {
            _log.Warning("A stored {Format} password hash is malformed; it never verifies", algorithm);
        }

        return result == true;
    }

    /// <summary>True for every hash that is not bcrypt_sha256 at the configured cost: a successful login re-hashes it.</summary>
    public bool NeedsUpgrade(string encoded) => DjangoBcrypt.Sha256Cost(encoded) != BcryptCost;

    private bool? Unknown(string algorithm)
    {
        var format = algorithm.Length is > 0 and <= 32 && algorithm.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? algorithm
            : "(no algorithm name)";
        _log.Warning("A stored password hash has the unknown format {Format}; it never verifies", format);
        return false;
    }
}
