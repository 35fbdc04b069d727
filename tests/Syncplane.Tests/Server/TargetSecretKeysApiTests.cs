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
              ads:
                source:
                  http:
                    url: "https://googleads.example.com/v21/customers/1/googleAds:search"
                    method: POST
                    headers: { developer-token: "literal-dev-token-93" }
                    body: { query: "SELECT campaign.id FROM campaign" }
                    records: results
                    key: campaign.id
                    next_token: nextPageToken
                    token_param: pageToken
                destination: { directory: { path: ads } }
              script:
                entrypoint: "true"
                config: { password: "literal-config-pass-81", api_token: "literal-config-token-22", region: eu-west-1 }
            """, workers: false);
        using var client = server.Client(ApiRole.Viewer);

        var feed = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets/feed")).RootElement;
        var script = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets/script")).RootElement;
        var ads = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets/ads")).RootElement.GetProperty("source").GetProperty("options");

        var headers = feed.GetProperty("source").GetProperty("options").GetProperty("headers");
        Assert.Equal("***", headers.GetProperty("Authorization").GetString());
        Assert.Equal("***", headers.GetProperty("X-Api-Key").GetString());
        Assert.Equal("application/json", headers.GetProperty("Accept").GetString());
        var config = script.GetProperty("config");
        Assert.Equal("***", config.GetProperty("password").GetString());
        Assert.Equal("***", config.GetProperty("api_token").GetString());
        Assert.Equal("eu-west-1", config.GetProperty("region").GetString());
        // Paging options name response and request fields: shown, though their names contain "token".
        Assert.Equal(("nextPageToken", "pageToken"), (ads.GetProperty("next_token").GetString(), ads.GetProperty("token_param").GetString()));
        Assert.Equal("***", ads.GetProperty("headers").GetProperty("developer-token").GetString());
        var text = feed.GetRawText() + script.GetRawText() + ads.GetRawText();
        Assert.DoesNotContain("bGl0ZXJhbC1jcmVkZW50aWFs", text, StringComparison.Ordinal);
        Assert.DoesNotContain("literal-", text, StringComparison.Ordinal);
    }
}
