using System.Security.Cryptography;
using System.Text;

namespace Syncplane.Webhooks;

/// <summary>Signature and token checks; every comparison is constant-time.</summary>
internal static class WebhookAuthenticator
{
    private const string Sha256Prefix = "sha256=";

    /// <summary>Checks <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
    public static void VerifyGitHubSignature(WebhookRequest request, string secret)
    {
        var header = request.Header("X-Hub-Signature-256")
            ?? throw WebhookRejectedException.Unauthorized("missing X-Hub-Signature-256 header; set a secret on the GitHub webhook");
        if (!header.StartsWith(Sha256Prefix, StringComparison.Ordinal))
        {
            throw WebhookRejectedException.Unauthorized("X-Hub-Signature-256 must start with 'sha256='");
        }

        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(header.AsSpan(Sha256Prefix.Length));
        }
        catch (FormatException)
        {
            throw WebhookRejectedException.Unauthorized("X-Hub-Signature-256 is not a hex digest");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), request.Body.Span);
        if (claimed.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(claimed, expected))
        {
            throw WebhookRejectedException.Unauthorized("X-Hub-Signature-256 does not match the body; check the webhook secret");
        }
    }

    /// <summary>Compares a presented token with the expected one without leaking either's content or length.</summary>
    public static bool TokenEquals(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        // Hashing first makes both sides 32 bytes, so the comparison time says nothing about the length either.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>Finds the shared token where the provider's config says it is sent.</summary>
    public static string? PresentedToken(WebhookRequest request, WebhookProviderConfig settings)
    {
        if (settings.TokenIn == WebhookTokenLocation.Query)
        {
            return request.Query.TryGetValue("token", out var fromQuery) ? fromQuery : null;
        }

        var value = request.Header(settings.TokenHeader);
        if (value is null || !string.Equals(settings.TokenHeader, "Authorization", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        const string bearer = "Bearer ";
        return value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? value[bearer.Length..].Trim() : null;
    }
}
