using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary><c>GET /api/v1/targets/{name}</c> hides values under keys that name a credential, even when written literally.</summary>
public sealed class TargetSecretKeysApiTests
{
    [Fact]
    public async Task TargetDetail_MasksLiteralValuesUnderCredentialKeys_AndShowsTheRest()
    {
        await using var server = await TestServer.StartAsync("""
            targets:
              feed:
                source:
                  http:
                    url: "https://api.example.com/items"
                    headers: { Authorization: "Basic bGl0ZXJhbC1jcmVkZW50aWFs", X-Api-Key: "literal-api-key-6d2a", Accept: application/json }
                    records: data
                    key: [id]
                destination: { directory: { path: out } }
              script:
                entrypoint: "true"
                config: { password: "literal-config-pass-81", api_token: "literal-config-token-22", region: eu-west-1 }
            """, workers: false);
        using var client = server.Client(ApiRole.Viewer);

        var feed = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets/feed")).RootElement;
        var script = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets/script")).RootElement;

        var headers = feed.GetProperty("source").GetProperty("options").GetProperty("headers");
        Assert.Equal("***", headers.GetProperty("Authorization").GetString());
        Assert.Equal("***", headers.GetProperty("X-Api-Key").GetString());
        Assert.Equal("application/json", headers.GetProperty("Accept").GetString());
        var config = script.GetProperty("config");
        Assert.Equal("***", config.GetProperty("password").GetString());
        Assert.Equal("***", config.GetProperty("api_token").GetString());
        Assert.Equal("eu-west-1", config.GetProperty("region").GetString());
        var text = feed.GetRawText() + script.GetRawText();
        Assert.DoesNotContain("bGl0ZXJhbC1jcmVkZW50aWFs", text, StringComparison.Ordinal);
        Assert.DoesNotContain("literal-", text, StringComparison.Ordinal);
    }
}
