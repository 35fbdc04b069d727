using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>
/// <c>syncplane run</c> as a real process with a gcp_assets target: without <c>credentials</c> it signs in with
/// application default credentials (here GOOGLE_APPLICATION_CREDENTIALS naming a key file, as on a CI runner).
/// </summary>
public sealed class GcpAssetsCliTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private FakeCloudAssetApi _api = null!;
    private FakeGoogleTokenEndpoint _oauth = null!;
    private ServiceAccountKey _key = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeCloudAssetApi.StartAsync();
        _oauth = await FakeGoogleTokenEndpoint.StartAsync();
        _key = new ServiceAccountKey(_oauth.Url);
        _oauth.Key = _key;
        _api.IsValidToken = _oauth.IsValid;
        _api.Resources.AddRange(Enumerable.Range(0, 25).Select(FakeCloudAssetApi.Resource));
        _dir.Write("keys/sa.json", _key.Json);
        _dir.Write("syncplane.yaml", $$"""
            targets:
              inventory:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 10, endpoint: "{{_api.BaseUrl}}" }
                destination:
                  sql: { connection: inventory.db, table: resources }
            """);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _oauth.DisposeAsync();
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task WithoutCredentials_ApplicationDefaultCredentialsSignIn_AtTheirKeysTokenUri()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, Environment(), "run", "--target", "inventory");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("25 row(s) inserted", result.All, StringComparison.Ordinal);
        Assert.Single(_oauth.Issued);
        Assert.Equal(3, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Equal(_oauth.Issued.Single(), r.Token));
        new SecretProbe([_key.PrivateKeyPem, .. _oauth.Issued]).AssertAbsent("syncplane run output", result.All);
    }

    [Fact]
    public async Task WithoutAnyCredentials_TheRunFailsSayingWhereTheyAreLookedFor()
    {
        var environment = Environment();
        environment.Remove("GOOGLE_APPLICATION_CREDENTIALS");

        var result = await SyncplaneCli.RunAsync(_dir.Path, environment, "run", "--target", "inventory");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no Google credentials: set 'credentials' to a service-account key", result.All, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task OnAMachineWithAMetadataServer_ItsTokenSignsIn_AndOneTokenServesEveryPageOfEveryTarget()
    {
        await using var metadata = await FakeMetadataServer.StartAsync();
        _api.IsValidToken = metadata.IsValid;
        _dir.Write("syncplane.yaml", $$"""
            targets:
              inventory:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 10, endpoint: "{{_api.BaseUrl}}" }
                destination:
                  sql: { connection: inventory.db, table: resources }
              inventory-copy:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 10, endpoint: "{{_api.BaseUrl}}" }
                destination:
                  sql: { connection: inventory.db, table: resources_copy }
            """);
        var environment = Environment();
        environment.Remove("GOOGLE_APPLICATION_CREDENTIALS");
        environment.Remove("NO_GCE_CHECK");
        environment["GCE_METADATA_HOST"] = metadata.Host;

        var result = await SyncplaneCli.RunAsync(_dir.Path, environment, "run");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(2, result.All.Split("25 row(s) inserted").Length - 1);
        Assert.Empty(_oauth.Issued);
        Assert.Single(metadata.Issued); // two targets, three pages each: one token, cached
        Assert.Equal(6, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Equal(metadata.Issued.Single(), r.Token));
        new SecretProbe([.. metadata.Issued]).AssertAbsent("syncplane run output", result.All);
    }

    // A home without gcloud's stored login, and a metadata server address where none answers (instead of 169.254.169.254).
    private Dictionary<string, string> Environment() => new()
    {
        ["GOOGLE_APPLICATION_CREDENTIALS"] = _dir.Combine("keys", "sa.json"),
        ["HOME"] = _dir.Combine("home"),
        ["CLOUDSDK_CONFIG"] = _dir.Combine("home", "gcloud"),
        ["GCE_METADATA_HOST"] = "127.0.0.1:9",
        ["NO_GCE_CHECK"] = "True",
    };
}
