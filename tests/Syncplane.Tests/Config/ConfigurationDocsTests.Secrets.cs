using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

public partial class ConfigurationDocsTests
{
    [Fact]
    public void SecretsExample_Loads_AndEveryReferenceIsMaskedAtLoad()
    {
        using var dir = new TempDirectory();
        dir.Write("secrets/deploy-key.pem", "-----BEGIN TEST KEY-----\nMIIBVgIBADANBgkqhkiG9w0B\n-----END TEST KEY-----\n");
        var config = ConfigLoader.Default.Parse(Section("Secrets"), dir["syncplane.yaml"]);
        var environment = new Dictionary<string, string> { ["DEPLOY_API_TOKEN"] = "api-token-1f2e", ["SLACK_WEBHOOK_URL"] = "https://hooks.slack.example/T0/B0" };

        var secrets = SecretResolver.ForConfig(config, environment.GetValueOrDefault);

        Assert.Equal(["${file:secrets/deploy-key.pem}", "${env:DEPLOY_API_TOKEN}", "${env:SLACK_WEBHOOK_URL}"], config.SecretReferences);
        Assert.Equal("*** *** *** ***", secrets.Redact("MIIBVgIBADANBgkqhkiG9w0B -----END TEST KEY----- api-token-1f2e https://hooks.slack.example/T0/B0"));
    }
}
