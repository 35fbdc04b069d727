using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Engine.Policies;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>
/// The gcp_assets source against a fake Cloud Asset API and a fake OAuth token endpoint on 127.0.0.1, signing in with a
/// real-format service-account key whose RSA key is made here: the docs/configuration.md example as written (only the
/// endpoint added), thousands of resources over many pages, tokens that expire or are revoked mid-sync, API failures.
/// </summary>
public sealed partial class GcpAssetsSourceTests : IAsyncLifetime
{
    private static readonly int[] VmIndices = [12, 17, 2, 7];
    private FakeCloudAssetApi _api = null!;
    private FakeGoogleTokenEndpoint _oauth = null!;
    private ServiceAccountKey _key = null!;
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeCloudAssetApi.StartAsync();
        _oauth = await FakeGoogleTokenEndpoint.StartAsync();
        _key = new ServiceAccountKey(_oauth.Url);
        _oauth.Key = _key;
        _api.IsValidToken = _oauth.IsValid;
        var endpoint = $"endpoint: \"{_api.BaseUrl}\"";
        var example = DocsExample().Replace("scope: organizations/123456789012", $"scope: organizations/123456789012\n        {endpoint}", StringComparison.Ordinal);
        Assert.Contains(_api.BaseUrl, example, StringComparison.Ordinal);
        _bed = await EngineTestBed.CreateAsync(example + $$"""
              big:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 100, credentials: "${file:secrets/gcp-sa.json}", {{endpoint}} }
                destination:
                  sql: { connection: big.db, table: resources }
              files:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, asset_types: [compute.googleapis.com/Instance], page_size: 2, credentials: "${file:secrets/gcp-sa.json}", {{endpoint}} }
                destination: { directory: { path: files } }
              budgeted:
                source:
                  gcp_assets: { scope: {{FakeCloudAssetApi.Scope}}, page_size: 2, credentials: "${file:secrets/gcp-sa.json}", {{endpoint}} }
                destination: { directory: { path: budgeted } }
                rate_limit: 4/hour burst 4
            """);
        _bed.Directory.Write("secrets/gcp-sa.json", _key.Json);
        _oauth.Time = _bed.Time;
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _api.DisposeAsync();
        await _oauth.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task FiveThousandAssetsOverFiftyPages_BecomeOneRowEach_KeyedByTheirFullName()
    {
        AddResources(5000);

        var result = await RunAsync("big");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Contains("5000 row(s) inserted", result.Message, StringComparison.Ordinal);
        Assert.Equal(50, _api.Requests.Count);
        Assert.Equal(Enumerable.Range(1, 50), _api.Requests.Select(r => r.Page));
        var rows = await QueryAsync("big.db", "SELECT name, assetType, location, state, labels FROM resources");
        Assert.Equal(5000, rows.Count);
        Assert.Equal(_api.Resources.Select(r => (string)r["name"]!).Order(StringComparer.Ordinal), rows.Select(r => r[0]!).Order(StringComparer.Ordinal));
        var vm = rows.Single(r => r[0] == "//compute.googleapis.com/projects/lz-prod-123/zones/europe-west1-b/instances/vm-4997");
        Assert.Equal(("compute.googleapis.com/Instance", "europe-west1-b", "RUNNING"), (vm[1], vm[2], vm[3]));
        Assert.Equal("""{"env":"staging","team":"platform"}""", JsonNode.Parse(vm[4]!)!.ToJsonString());

        // One access token for the whole run (and the next): fetched once, then taken from the cache.
        var again = await RunAsync("big");
        Assert.Contains("nothing to change (5000 row(s)", again.Message, StringComparison.Ordinal);
        Assert.Single(_oauth.Issued);
        Assert.All(_api.Requests, r => Assert.Equal(_oauth.Issued.Single(), r.Token));
    }

    [Fact]
    public async Task DocsExample_SendsScopeTypesAndPageTokens_AndSignsInWithAnAssertionTheEndpointVerifies()
    {
        AddResources(1200);

        var result = await RunAsync("lz-inventory");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        var first = $"/v1/{FakeCloudAssetApi.Scope}:searchAllResources?assetTypes=cloudresourcemanager.googleapis.com%2FProject&assetTypes=compute.googleapis.com%2FNetwork" +
            "&assetTypes=compute.googleapis.com%2FInstance&assetTypes=container.googleapis.com%2FCluster&assetTypes=sqladmin.googleapis.com%2F.%2A&pageSize=500";
        Assert.Equal([first, $"{first}&pageToken={Uri.EscapeDataString(FakeCloudAssetApi.TokenAfter(1))}", $"{first}&pageToken={Uri.EscapeDataString(FakeCloudAssetApi.TokenAfter(2))}"], _api.Requests.Select(r => r.Target));
        Assert.Equal(1200, (await QueryAsync("inventory.db", "SELECT name FROM lz_resources")).Count);
        var claims = Assert.Single(_oauth.Assertions);
        Assert.Equal((ServiceAccountKey.ClientEmail, FakeGoogleTokenEndpoint.Audience), ((string?)claims["iss"], (string?)claims["aud"]));
        Assert.Empty(_oauth.Refusals);
        var log = await LogAsync(result);
        Assert.Contains($"gcp_assets {FakeCloudAssetApi.Scope}: new access token from {_oauth.Url}, valid for 1h", log, StringComparison.Ordinal);
        Assert.Contains($"gcp_assets {FakeCloudAssetApi.Scope}: 1200 resource(s) in 3 page(s)", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectoryDestination_OneFilePerResource_NamedByItsFullNameWithoutTheSlashes()
    {
        AddResources(20); // 4 instances among them: vm-2, vm-7, vm-12, vm-17

        var result = await RunAsync("files");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        var root = _bed.Directory.Combine("files");
        var files = System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal([.. VmIndices.Select(i => $"compute.googleapis.com/projects/lz-prod-123/zones/europe-west1-b/instances/vm-{i}.json")], files);
        var vm = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "compute.googleapis.com/projects/lz-prod-123/zones/europe-west1-b/instances/vm-7.json")))!;
        Assert.True(JsonNode.DeepEquals(FakeCloudAssetApi.Resource(7), vm));
        Assert.Equal(2, _api.Requests.Count); // 4 instances, 2 a page; the second page has no nextPageToken
    }

    [Fact]
    public async Task EachPageTakesOneTokenOfTheTargetsRateLimit()
    {
        AddResources(7); // 2 a page: 4 pages

        var bucket = RateLimitRegistry.FromConfig(_bed.Config).BucketOf("budgeted")!;
        var result = await RunAsync("budgeted");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(4, _api.Requests.Count);
        Assert.DoesNotContain("waiting for rate limit", await LogAsync(result), StringComparison.Ordinal); // 4 tokens were enough
        Assert.False((await _bed.Store.TakeTokensAsync(bucket.Key, bucket.Limit, 1, CancellationToken.None)).Granted); // and all 4 were taken
    }

    [Fact]
    public async Task ATokenRevokedMidSync_IsReplacedOnce_AndThePageAskedAgain_WithoutFailingTheRun()
    {
        AddResources(1000);
        _api.OnPage = page =>
        {
            if (page == 4)
            {
                _api.IsValidToken = t => t != _oauth.Issued.First() && _oauth.IsValid(t); // revoked after page 4
            }
        };

        var result = await RunAsync("big");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(1000, (await QueryAsync("big.db", "SELECT name FROM resources")).Count);
        Assert.Equal(2, _oauth.Issued.Count);
        var requests = _api.Requests.ToList();
        Assert.Equal([1, 2, 3, 4, 0, 5, 6, 7, 8, 9, 10], requests.Select(r => r.Page)); // page 5 refused (401), then asked again
        Assert.All(requests.Take(5), r => Assert.Equal(_oauth.Issued.First(), r.Token));
        Assert.All(requests.Skip(5), r => Assert.Equal(_oauth.Issued.Last(), r.Token));
        Assert.Contains("searchAllResources page 5: the access token was refused (401); getting a fresh one", await LogAsync(result), StringComparison.Ordinal);
        AssertNoSecrets(result.Message, await LogAsync(result));
    }

    [Fact]
    public async Task ATokenNearItsExpiry_IsReplacedBeforeTheNextPage_OnTheEnginesClock()
    {
        AddResources(1000);
        _oauth.ExpiresIn = 600; // replaced 5 minutes before it expires: 300 s after it was fetched
        _api.OnPage = page =>
        {
            if (page == 3)
            {
                _bed.Time.Advance(TimeSpan.FromSeconds(299));
            }
            else if (page == 6)
            {
                _bed.Time.Advance(TimeSpan.FromSeconds(2));
            }
        };

        var result = await RunAsync("big", advance: false);

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(2, _oauth.Issued.Count); // once at the start, once when 301 s had passed; never for the pages between
        var requests = _api.Requests.ToList();
        Assert.Equal(Enumerable.Range(1, 10), requests.Select(r => r.Page)); // no 401: replaced before it ran out
        Assert.All(requests.Take(6), r => Assert.Equal(_oauth.Issued.First(), r.Token));
        Assert.All(requests.Skip(6), r => Assert.Equal(_oauth.Issued.Last(), r.Token));
        var issuedAt = _oauth.Assertions.Select(c => (long)c["iat"]!).ToList();
        Assert.Equal(301, issuedAt[1] - issuedAt[0]); // each assertion signed at the engine's time
    }

    [Fact]
    public async Task Api503_FailsTheRunNamingScopePageStatusAndTheApisMessage_AndLeavesTheTableAsItWas()
    {
        AddResources(300);
        Assert.Equal(RunStatus.Succeeded, (await RunAsync("big")).Status);
        var before = await QueryAsync("big.db", "SELECT * FROM resources ORDER BY name");
        _api.Resources.RemoveRange(0, 150);
        _api.Resources[0]["labels"]!["env"] = "changed";
        _api.FailingPage = 2;

        var result = await RunAsync("big");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains(
            $"gcp_assets {FakeCloudAssetApi.Scope}: searchAllResources page 2 returned 503 Service Unavailable (UNAVAILABLE: The service is currently unavailable.)",
            result.Message,
            StringComparison.Ordinal);
        Assert.Equal(before, await QueryAsync("big.db", "SELECT * FROM resources ORDER BY name"));
        AssertNoSecrets(result.Message, await LogAsync(result));
    }

    [Fact]
    public async Task AKeyTheTokenEndpointCannotVerify_FailsWithItsOAuthError_AndCallsNoApi()
    {
        AddResources(3);
        using var other = new ServiceAccountKey(_oauth.Url);
        _bed.Directory.Write("secrets/gcp-sa.json", other.Json.Replace(other.KeyId, _key.KeyId, StringComparison.Ordinal)); // same id, another private key

        var result = await RunAsync("big");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains($"gcp_assets {FakeCloudAssetApi.Scope}: could not get an access token from {_oauth.Url} (400): invalid_grant: Invalid JWT Signature.", result.Message, StringComparison.Ordinal);
        Assert.Equal(["Invalid JWT Signature."], _oauth.Refusals);
        Assert.Empty(_api.Requests);
        new SecretProbe(other.PrivateKeyPem).AssertAbsent("run message and log", result.Message + await LogAsync(result));
    }

    [Theory]
    [InlineData("not json at all", "'credentials' is not a service-account key: it is not JSON")]
    [InlineData("{\"type\": \"authorized_user\", \"client_id\": \"x\"}", "'credentials' is not a service-account key: its \"type\" is not \"service_account\"")]
    [InlineData("{\"type\": \"service_account\", \"client_email\": \"a@b.iam.gserviceaccount.com\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"}", "'credentials': the \"private_key\" of a@b.iam.gserviceaccount.com's key is not a PEM RSA private key")]
    public async Task AFileThatIsNotAServiceAccountKey_FailsTheRunSayingSo_WithoutQuotingIt(string content, string message)
    {
        _bed.Directory.Write("secrets/gcp-sa.json", content);

        var result = await RunAsync("big");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Empty(_oauth.Issued);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task SecretsNeverReachTheLogTheRunRecordsOrTheStore()
    {
        AddResources(500);
        _api.OnPage = page =>
        {
            if (page == 2)
            {
                _api.IsValidToken = t => t != _oauth.Issued.First() && _oauth.IsValid(t);
            }
        };

        var ok = await RunAsync("big");
        _api.FailingPage = 3;
        var failed = await RunAsync("big");

        Assert.Equal((RunStatus.Succeeded, RunStatus.Failed), (ok.Status, failed.Status));
        Assert.Equal(2, _oauth.Issued.Count);
        AssertNoSecrets(ok.Message + failed.Message, await LogAsync(ok) + await LogAsync(failed));
        var probe = new SecretProbe([_key.PrivateKeyPem, .. _oauth.Issued]);
        probe.AssertAbsentFromFiles(_bed.Directory.Combine(".syncplane"));
        probe.AssertAbsent("big.db", File.ReadAllBytes(_bed.Directory.Combine("big.db")));
    }

    private void AssertNoSecrets(string messages, string log) =>
        new SecretProbe([_key.PrivateKeyPem, .. _oauth.Issued]).AssertAbsent("run messages and log", messages + "\n" + log);

    private void AddResources(int count) => _api.Resources.AddRange(Enumerable.Range(0, count).Select(FakeCloudAssetApi.Resource));

    /// <summary>A direct run; the clock moved a second at a time while it waits for rate-limit tokens, unless told not to.</summary>
    private async Task<TargetRunResult> RunAsync(string target, bool advance = true)
    {
        var run = new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == target), new RunOptions(), null, null, null, CancellationToken.None);
        if (advance)
        {
            await _bed.AdvanceUntilAsync(() => Task.FromResult(run.IsCompleted), TimeSpan.FromSeconds(1));
        }

        return await run.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private async Task<string> LogAsync(TargetRunResult result) =>
        string.Join("\n", (await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None)).Select(l => l.Message));

    private async Task<List<string?[]>> QueryAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _bed.Directory.Combine(database), Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))]);
        }

        return rows;
    }

    /// <summary>The gcp_assets example of docs/configuration.md.</summary>
    private static string DocsExample()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "configuration.md"));
        var start = text.IndexOf("\n### `gcp_assets` (source)", StringComparison.Ordinal);
        Assert.True(start >= 0, "no gcp_assets example in docs/configuration.md");
        return YamlBlock().Match(text[start..]).Groups[1].Value;
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
