using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Syncplane.Config;

namespace Syncplane.Connectors.Gcp;

/// <summary>The Google credentials a <c>gcp_assets</c> source signs in with, built with Google.Apis.Auth.</summary>
internal static class GoogleCredentials
{
    /// <summary>The one OAuth scope the source asks for; the service account's roles decide what it may read.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>Where a key without <c>token_uri</c> gets its tokens.</summary>
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    /// <summary>
    /// A service-account key (the JSON file the console downloads) as a credential that signs an RS256 JWT assertion and
    /// trades it for an access token at the key's <c>token_uri</c>.
    /// </summary>
    /// <exception cref="SecretException">The text is not a service-account key; the message never quotes it.</exception>
    public static ServiceAccountCredential FromKey(string json, TimeProvider time, out string tokenUri)
    {
        JsonElement key;
        try
        {
            using var document = JsonDocument.Parse(json);
            key = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new SecretException("'credentials' is not a service-account key: it is not JSON (download a key for the service account as JSON)");
        }

        if (key.ValueKind != JsonValueKind.Object || Text(key, "type") != "service_account")
        {
            throw new SecretException("'credentials' is not a service-account key: its \"type\" is not \"service_account\"");
        }

        var email = Text(key, "client_email") ?? throw new SecretException("'credentials': the service-account key has no \"client_email\"");
        var privateKey = Text(key, "private_key") ?? throw new SecretException($"'credentials': the service-account key of {email} has no \"private_key\"");
        tokenUri = Text(key, "token_uri") ?? DefaultTokenUri;
        if (!Uri.TryCreate(tokenUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new SecretException($"'credentials': the service-account key of {email} has a \"token_uri\" that is not an http(s) URL");
        }

        var initializer = new ServiceAccountCredential.Initializer(email, tokenUri)
        {
            Scopes = [CloudPlatformScope],
            KeyId = Text(key, "private_key_id"),
            ProjectId = Text(key, "project_id"),
            Clock = new GoogleClock(time),
        };
        try
        {
            return new ServiceAccountCredential(initializer.FromPrivateKey(privateKey));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The library's PEM and ASN.1 reader throws several kinds ("Tag '0' not supported."); its words are left out in case they quote the key.
            throw new SecretException($"'credentials': the \"private_key\" of {email}'s key is not a PEM RSA private key");
        }
    }

    /// <summary>Application default credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's stored login, or the metadata server.</summary>
    /// <exception cref="SecretException">None are found.</exception>
    public static async Task<ICredential> ApplicationDefaultAsync(CancellationToken cancellationToken)
    {
        GoogleCredential credential;
        try
        {
            credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new SecretException(
                "no Google credentials: set 'credentials' to a service-account key (\"${file:…}\"), or run where application default credentials exist " +
                $"(GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default login, or a metadata server): {ex.Message}");
        }

        return credential.CreateScoped(CloudPlatformScope).UnderlyingCredential;
    }

    private static string? Text(JsonElement key, string name) =>
        key.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
