using System.Security.Cryptography;
using System.Text;

namespace Syncplane.Access;

/// <summary>API tokens: random, shown once, kept only as a SHA-256 hash.</summary>
public static class ApiTokens
{
    /// <summary>The prefix that makes a Syncplane token recognisable (and findable by secret scanners).</summary>
    public const string Prefix = "spt_";

    /// <summary>A new token: the prefix and 32 random bytes, base64url.</summary>
    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>What the store keeps: the lowercase hex SHA-256 of the token.</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
