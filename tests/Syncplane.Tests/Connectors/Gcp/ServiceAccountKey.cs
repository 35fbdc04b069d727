using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>
/// A service-account key in the format the Google Cloud console downloads (type, project_id, private_key_id, private_key
/// as PKCS#8 PEM, client_email, client_id, auth_uri, token_uri, …), for an RSA key made here; the test keeps the public half.
/// </summary>
internal sealed class ServiceAccountKey : IDisposable
{
    public const string ClientEmail = "lz-portal-sync@lz-prod-123.iam.gserviceaccount.com";

    public ServiceAccountKey(string tokenUri)
    {
        TokenUri = tokenUri;
        Json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "lz-prod-123",
            ["private_key_id"] = KeyId,
            ["private_key"] = PrivateKeyPem,
            ["client_email"] = ClientEmail,
            ["client_id"] = "104209923413786451234",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri,
            ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
            ["client_x509_cert_url"] = "https://www.googleapis.com/robot/v1/metadata/x509/lz-portal-sync%40lz-prod-123.iam.gserviceaccount.com",
            ["universe_domain"] = "googleapis.com",
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    public RSA Rsa { get; } = RSA.Create(2048);

    public string KeyId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public string PrivateKeyPem => Rsa.ExportPkcs8PrivateKeyPem();

    public string TokenUri { get; }

    /// <summary>The key file's text.</summary>
    public string Json { get; }

    public void Dispose() => Rsa.Dispose();
}
