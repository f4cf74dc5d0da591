using System.Security.Cryptography;
using System.Text;
using Chatire.Auth;
using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Foundation;

public sealed class PasswordHasherTests
{
    private const int Cost = 4;

    // Produced by Django's make_password("lètmein", "seasalt", "pbkdf2_sha256") at 720,000 iterations.
    private const string DjangoPbkdf2Hash = "pbkdf2_sha256$720000$seasalt$eDupbcisD1UuIiou3hMuMu8oe/XwnpDw45r6AA5iv0E=";

    // The bcrypt test vector for "abc" published with jBCrypt and OpenBSD's bcrypt, under Django's plain bcrypt$ prefix.
    private const string PlainBcryptHash = "bcrypt$$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i";

    private readonly LogCapture _logs = new();

    private PasswordHasher NewHasher(int cost = Cost) => new(cost, _logs.Logger);

    public static TheoryData<string> DjangoUsers() => [.. DjangoFixture.HashedUsers.Select(u => u.Username)];

    [Theory]
    [MemberData(nameof(DjangoUsers))]
    public void Verify_HashWrittenByDjango_MatchesOnlyItsPassword(string username)
    {
        var user = DjangoFixture.HashedUserNamed(username);
        var hasher = NewHasher();

        Assert.True(hasher.Verify(user.Password, user.PasswordHash), $"{user.HashKind} hash of {username}");
        Assert.False(hasher.Verify(user.Password + "x", user.PasswordHash));
        Assert.False(hasher.Verify(user.Password.ToUpperInvariant(), user.PasswordHash));
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public void Fixtures_CoverEveryDjangoFormat()
    {
        var prefixes = DjangoFixture.HashedUsers.Select(u => u.PasswordHash[..u.PasswordHash.IndexOf('$')]).ToHashSet();

        Assert.Contains("pbkdf2_sha256", prefixes);
        Assert.Contains("bcrypt_sha256", prefixes);
        Assert.Contains(DjangoFixture.HashedUsers, u => u.PasswordHash.StartsWith("pbkdf2_sha256$150000$", StringComparison.Ordinal));
        Assert.Contains(DjangoFixture.HashedUsers, u => u.PasswordHash.StartsWith("pbkdf2_sha256$260000$", StringComparison.Ordinal));
        Assert.Contains(DjangoFixture.HashedUsers, u => u.PasswordHash.StartsWith("bcrypt_sha256$$2b$12$", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_Pbkdf2At720000Iterations_Matches()
    {
        Assert.True(NewHasher().Verify("lètmein", DjangoPbkdf2Hash));
        Assert.False(NewHasher().Verify("lètmeinz", DjangoPbkdf2Hash));
    }

    [Fact]
    public void Verify_PlainBcrypt_Matches()
    {
        Assert.True(NewHasher().Verify("abc", PlainBcryptHash));
        Assert.False(NewHasher().Verify("abd", PlainBcryptHash));
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    [InlineData("$2y$")]
    public void Verify_BcryptSha256WithAnyBcryptPrefix_Matches(string prefix)
    {
        var victor = DjangoFixture.HashedUserNamed("victor");
        var encoded = victor.PasswordHash.Replace("$2b$", prefix, StringComparison.Ordinal);

        Assert.True(NewHasher().Verify(victor.Password, encoded));
    }

    [Fact]
    public void Hash_NewPassword_HasDjangoBcryptSha256Layout()
    {
        var encoded = NewHasher().Hash("correct horse");

        Assert.Matches(@"^bcrypt_sha256\$\$2b\$04\$[./A-Za-z0-9]{53}$", encoded);
        Assert.True(NewHasher().Verify("correct horse", encoded));
        Assert.False(NewHasher().Verify("correct horsf", encoded));
        Assert.NotEqual(encoded, NewHasher().Hash("correct horse"));
    }

    [Fact]
    public void Hash_BcryptPart_IsBcryptOfLowercaseHexSha256OfUtf8()
    {
        const string password = "pässwörd-€";
        var encoded = NewHasher().Hash(password);
        var bcrypt = encoded["bcrypt_sha256$".Length..];
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

        Assert.True(BCrypt.Net.BCrypt.Verify(hex.ToLowerInvariant(), bcrypt));
        Assert.False(BCrypt.Net.BCrypt.Verify(hex, bcrypt));
        Assert.False(BCrypt.Net.BCrypt.Verify(password, bcrypt));
    }

    [Fact]
    public void Hash_PasswordsSharingTheFirst72Bytes_StayDistinct()
    {
        var common = new string('a', 80);
        var encoded = NewHasher().Hash(common + "1");

        Assert.True(NewHasher().Verify(common + "1", encoded));
        Assert.False(NewHasher().Verify(common + "2", encoded));
    }

    [Fact]
    public void Hash_AtConfiguredCost_UsesThatCost()
    {
        Assert.StartsWith("bcrypt_sha256$$2b$06$", NewHasher(6).Hash("pw"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    public void New_CostOutOfRange_Throws(int cost)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewHasher(cost));
    }

    [Theory]
    [InlineData("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", "argon2", "c2FsdHNhbHQ")]
    [InlineData("sha1$saltsalt$4a2b3c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b", "sha1", "4a2b3c8d9e")]
    [InlineData("5f4dcc3b5aa765d61d8327deb882cf99", "(no algorithm name)", "5f4dcc3b5a")]
    [InlineData("$2b$04$abcdefghijklmnopqrstuu5NzPNuHqcqTzEvWQ4iQiXxLeCT5wN2", "(no algorithm name)", "abcdefghij")]
    public void Verify_UnknownFormat_FalseAndOneWarningNamingTheFormatOnly(string encoded, string format, string secretPart)
    {
        Assert.False(NewHasher().Verify("anything", encoded));

        var line = Assert.Single(_logs.Lines);
        Assert.StartsWith("[Warning]", line);
        Assert.Contains(format, line);
        Assert.DoesNotContain(secretPart, line);
    }

    [Theory]
    [InlineData("pbkdf2_sha256$abc$salt$aGFzaA==")]
    [InlineData("pbkdf2_sha256$1000$salt$not-base64!")]
    [InlineData("pbkdf2_sha256$1000$salt$")]
    [InlineData("pbkdf2_sha256$0$salt$aGFzaA==")]
    [InlineData("bcrypt_sha256$$2x$04$abcdefghijklmnopqrstuu5NzPNuHqcqTzEvWQ4iQiXxLeCT5wN2")]
    [InlineData("bcrypt_sha256$$2b$03$abcdefghijklmnopqrstuu5NzPNuHqcqTzEvWQ4iQiXxLeCT5wN2")]
    [InlineData("bcrypt_sha256$$2b$04$short")]
    [InlineData("bcrypt$2b$04$abcdefghijklmnopqrstuu5NzPNuHqcqTzEvWQ4iQiXxLeCT5wN2")]
    public void Verify_MalformedKnownFormat_FalseAndOneWarning(string encoded)
    {
        Assert.False(NewHasher().Verify("anything", encoded));

        Assert.Contains("malformed", Assert.Single(_logs.Lines));
    }

    [Fact]
    public void Verify_DjangoUnusablePassword_FalseWithoutWarning()
    {
        Assert.False(NewHasher().Verify("", "!vY3pEvTGbI8ZWxTNxb6GqX1lNkQkSj0TcYBQvxDd"));
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public void NeedsUpgrade_AnythingButBcryptSha256AtTheConfiguredCost_True()
    {
        var hasher = NewHasher();

        Assert.False(hasher.NeedsUpgrade(hasher.Hash("pw")));
        Assert.True(hasher.NeedsUpgrade(NewHasher(5).Hash("pw")));
        Assert.True(hasher.NeedsUpgrade(DjangoPbkdf2Hash));
        Assert.True(hasher.NeedsUpgrade(PlainBcryptHash));
        Assert.True(hasher.NeedsUpgrade(DjangoFixture.HashedUserNamed("victor").PasswordHash));
        Assert.True(hasher.NeedsUpgrade("sha1$salt$hash"));
        Assert.False(NewHasher(12).NeedsUpgrade(DjangoFixture.HashedUserNamed("victor").PasswordHash));
    }

    [Fact]
    public void NewDummyHash_CostsOneBcryptAtTheConfiguredCostAndNeverMatches()
    {
        var hasher = NewHasher(5);
        var dummy = hasher.NewDummyHash();

        Assert.Matches(@"^bcrypt_sha256\$\$2b\$05\$[./A-Za-z0-9]{53}$", dummy);
        Assert.False(hasher.NeedsUpgrade(dummy));
        Assert.False(hasher.Verify("", dummy));
        Assert.NotEqual(dummy, hasher.NewDummyHash());
        Assert.Empty(_logs.Lines);
    }
}
