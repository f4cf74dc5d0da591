using Chatire.Auth;

namespace Chatire.Tests.Foundation;

public sealed class PasswordHasherTests
{
    // Produced by Django's make_password("lètmein", "seasalt", "pbkdf2_sha256") at 720,000 iterations.
    private const string DjangoHash = "pbkdf2_sha256$720000$seasalt$eDupbcisD1UuIiou3hMuMu8oe/XwnpDw45r6AA5iv0E=";

    [Fact]
    public void Verify_HashMadeByDjango_Matches()
    {
        Assert.True(PasswordHasher.Verify("lètmein", DjangoHash));
        Assert.False(PasswordHasher.Verify("lètmeinz", DjangoHash));
    }

    [Fact]
    public void Hash_SameInputsAsDjango_SameString()
    {
        Assert.Equal(DjangoHash, PasswordHasher.Hash("lètmein", "seasalt", 720000));
    }

    [Fact]
    public void Hash_NewPassword_HasDjangoFormatAndVerifies()
    {
        var hasher = new PasswordHasher(1000);

        var encoded = hasher.Hash("correct horse");

        var parts = encoded.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2_sha256", parts[0]);
        Assert.Equal("1000", parts[1]);
        Assert.Equal(22, parts[2].Length);
        Assert.True(PasswordHasher.Verify("correct horse", encoded));
        Assert.NotEqual(encoded, hasher.Hash("correct horse"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("md5$1$x$y")]
    [InlineData("pbkdf2_sha256$abc$salt$hash")]
    [InlineData("pbkdf2_sha256$1000$salt$not-base64!")]
    public void Verify_MalformedHash_NeverMatches(string encoded)
    {
        Assert.False(PasswordHasher.Verify("anything", encoded));
    }

    [Fact]
    public void NeedsUpgrade_FewerIterations_True()
    {
        var hasher = new PasswordHasher(2000);

        Assert.True(hasher.NeedsUpgrade(new PasswordHasher(1000).Hash("pw")));
        Assert.False(hasher.NeedsUpgrade(hasher.Hash("pw")));
    }
}
