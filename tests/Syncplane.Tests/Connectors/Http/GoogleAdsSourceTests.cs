using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Engine.Policies;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>
/// The http source against a Google Ads-style API on 127.0.0.1: the docs/configuration.md example as written (only the
/// host replaced), POST bodies carrying page tokens, records nested in batches, keys from nested fields.
/// </summary>
public sealed partial class GoogleAdsSourceTests : IAsyncLifetime
{
    private const string AccessToken = "ya29.acc3ss-t0ken";
    private FakeGoogleAds _api = null!;
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("GOOGLE_ADS_ACCESS_TOKEN", AccessToken);
        Environment.SetEnvironmentVariable("GOOGLE_ADS_DEVELOPER_TOKEN", FakeGoogleAds.DeveloperToken);
        _api = await FakeGoogleAds.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            _api.Rows.Add(FakeGoogleAds.Row(111 + i, "2026-01-01", clicks: 10 + i, costMicros: 1_230_000 * (i + 1)));
        }

        var example = DocsExample().Replace("https://googleads.googleapis.com", _api.BaseUrl, StringComparison.Ordinal);
        _bed = await EngineTestBed.CreateAsync(example + $$"""
              stream:
                source:
                  http:
                    url: "{{_api.BaseUrl}}/v18/customers/{{FakeGoogleAds.CustomerId}}/googleAds:searchStream"
                    method: POST
                    headers: { developer-token: "${env:GOOGLE_ADS_DEVELOPER_TOKEN}" }
                    body: { query: "SELECT campaign.id, segments.date FROM campaign", summaryRowSetting: NO_SUMMARY_ROW, audit: { by: "${env:GOOGLE_ADS_ACCESS_TOKEN}" } }
                    records: results
                    key: [campaign.id, segments.date]
                destination: { directory: { path: stream } }
              by-get:
                source:
                  http:
                    url: "{{_api.BaseUrl}}/v1/rows?alt=json"
                    headers: { developer-token: "${env:GOOGLE_ADS_DEVELOPER_TOKEN}" }
                    records: results
                    key: [campaign.id, segments.date]
                    next_token: nextPageToken
                    token_param: pageToken
                destination: { directory: { path: by-get } }
              bad-token-path:
                source:
                  http:
                    url: "{{_api.SearchUrl}}"
                    method: POST
                    headers: { developer-token: "${env:GOOGLE_ADS_DEVELOPER_TOKEN}" }
                    records: results
                    key: [campaign.id, segments.date]
                    next_token: results
                    token_param: pageToken
                destination: { directory: { path: bad } }
            """);
        _api.Time = _bed.Time;
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task DocsExample_PostsTheQueryAndSendsEachNextPageTokenInTheBody_WritingEveryRowOnce()
    {
        var result = await RunAsync("google-ads-metrics");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(["111/2026-01-01.json", "112/2026-01-01.json", "113/2026-01-01.json", "114/2026-01-01.json", "115/2026-01-01.json"], Files("data/google-ads"));
        Assert.Equal(
            """{"campaign":{"id":"112","name":"Campaign 112","resourceName":"customers/1234567890/campaigns/112"},"metrics":{"clicks":"11","costMicros":"2460000","impressions":"110"},"segments":{"date":"2026-01-01"}}""" + "\n",
            File.ReadAllText(_bed.Directory.Combine("data/google-ads/112/2026-01-01.json")));

        var requests = _api.Requests.ToList();
        Assert.Equal(3, requests.Count); // 5 rows, 2 a page
        Assert.All(requests, r => Assert.Equal(("POST", "/v18/customers/1234567890/googleAds:search"), (r.Method, r.Target)));
        Assert.All(requests, r => Assert.Equal(($"Bearer {AccessToken}", FakeGoogleAds.DeveloperToken), (r.Headers["Authorization"], r.Headers["developer-token"])));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.Headers["Content-Type"], StringComparison.Ordinal));
        var bodies = requests.Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();
        Assert.All(bodies, b => Assert.StartsWith("SELECT campaign.id, campaign.name, segments.date, metrics.clicks", b["query"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal([null, FakeGoogleAds.TokenAfter(1), FakeGoogleAds.TokenAfter(2)], bodies.Select(b => b["pageToken"]?.GetValue<string>()));

        var log = string.Join("\n", (await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None)).Select(l => l.Message));
        Assert.Contains("5 record(s) in 3 page(s)", log, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken, log + result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeGoogleAds.DeveloperToken, log + result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocsExample_EachPageTakesOneTokenFromTheSharedRateLimit()
    {
        var bucket = RateLimitRegistry.FromConfig(_bed.Config).BucketOf("google-ads-metrics")!;

        var result = await RunAsync("google-ads-metrics");

        // 180/hour (burst 1) is one call every 20s: page 1 took the bucket's token, pages 2 and 3 each waited for the next.
        // Arrivals are read off a clock that moves a second every 25 ms of real time while the run goes on, so a slow
        // request (the process's first, which compiles the HTTP stack) arrives seconds after its token was taken; measured
        // from the run's start, which comes before the first token, page k can never arrive before 20 s × (k - 1).
        var started = (await _bed.Store.GetRunAsync(result.RunId, CancellationToken.None))!.StartedAt!.Value;
        var at = _api.Requests.Select(r => r.At - started).ToList();
        Assert.Equal(3, at.Count);
        Assert.InRange(at[1], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(45));
        Assert.InRange(at[2], TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(70));
        var log = (await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None)).Select(l => l.Message).ToList();
        Assert.Equal(2, log.Count(m => m.StartsWith("waiting for rate limit 'google-ads' (180/hour): next token in", StringComparison.Ordinal)));
        Assert.False((await _bed.Store.TakeTokensAsync(bucket.Key, bucket.Limit, 1, CancellationToken.None)).Granted); // the third page took the last
    }

    [Fact]
    public async Task SearchStream_RecordsNestedInEveryBatch_AreAllRead_AndBodySecretsAreSentButNeverLogged()
    {
        _api.PageSize = 2; // three batches
        var result = await RunAsync("stream");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(5, Files("stream").Count);
        Assert.Single(_api.Requests);
        Assert.Equal($$$"""{"query":"SELECT campaign.id, segments.date FROM campaign","summaryRowSetting":"NO_SUMMARY_ROW","audit":{"by":"{{{AccessToken}}}"}}""", _api.Requests.Single().Body);
        var log = string.Join("\n", (await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None)).Select(l => l.Message));
        Assert.Contains("5 record(s) in 1 page(s)", log, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken, log + result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("google-ads-metrics")]
    [InlineData("stream")]
    public async Task NoRows_APageWithoutResults_IsZeroRecords(string target)
    {
        _api.Rows.Clear();

        var result = await RunAsync(target);

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.DoesNotContain("\"results\"", _api.Responses.Single(), StringComparison.Ordinal);
        var log = string.Join("\n", (await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None)).Select(l => l.Message));
        Assert.Contains("0 record(s) in 1 page(s)", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetApi_ShowsTheBodyWithItsSecretReferenceMasked()
    {
        await using var server = await TestServer.StartAsync($$"""
            targets:
              stream:
                source:
                  http:
                    url: "{{_api.BaseUrl}}/v18/customers/1/googleAds:searchStream"
                    method: POST
                    body: { query: "SELECT campaign.id FROM campaign", audit: { by: "${env:GOOGLE_ADS_ACCESS_TOKEN}" } }
                    records: results
                    key: [campaign.id]
                destination: { directory: { path: out } }
            """, workers: false);
        using var client = server.Client(Syncplane.Access.ApiRole.Viewer);

        var text = await client.GetStringAsync("/api/v1/targets/stream");

        var body = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("source").GetProperty("options").GetProperty("body");
        Assert.Equal("SELECT campaign.id FROM campaign", body.GetProperty("query").GetString());
        Assert.Equal("***", body.GetProperty("audit").GetProperty("by").GetString());
        Assert.DoesNotContain(AccessToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_CarriesTheTokenAsAQueryParameter()
    {
        var result = await RunAsync("by-get");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(5, Files("by-get").Count);
        Assert.Equal(
            ["/v1/rows?alt=json", $"/v1/rows?alt=json&pageToken={Uri.EscapeDataString(FakeGoogleAds.TokenAfter(1))}", $"/v1/rows?alt=json&pageToken={Uri.EscapeDataString(FakeGoogleAds.TokenAfter(2))}"],
            _api.Requests.Select(r => r.Target));
        Assert.All(_api.Requests, r => Assert.Equal(("GET", ""), (r.Method, r.Body)));
    }

    [Fact]
    public async Task AFailingPage_FailsTheRunNamingThePage_AndWritesNothing()
    {
        _api.FailingPage = 2;

        var result = await RunAsync("google-ads-metrics");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains($"POST {_api.SearchUrl} (page 2) returned 500", result.Message, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(_bed.Directory.Combine("data/google-ads")));
    }

    [Fact]
    public async Task ATokenPathThatIsNotAString_FailsTheRunNamingIt_AndWritesNothing()
    {
        var result = await RunAsync("bad-token-path");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains($"POST {_api.SearchUrl}: 'results' ('next_token') is array, not a page token", result.Message, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
        Assert.False(System.IO.Directory.Exists(_bed.Directory.Combine("bad")));
    }

    [Fact]
    public async Task AnUnknownDeveloperToken_FailsAtOnceWithTheStatus_AndNeverShowsTheTokens()
    {
        Environment.SetEnvironmentVariable("GOOGLE_ADS_DEVELOPER_TOKEN", "wrong-dev-token");
        try
        {
            var result = await RunAsync("google-ads-metrics");

            Assert.Equal(RunStatus.Failed, result.Status);
            Assert.Contains($"POST {_api.SearchUrl} returned 401", result.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-dev-token", result.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_ADS_DEVELOPER_TOKEN", FakeGoogleAds.DeveloperToken);
        }
    }

    /// <summary>The Google Ads example of docs/configuration.md.</summary>
    private static string DocsExample()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "configuration.md"));
        var start = text.IndexOf("\n#### Google Ads-style APIs", StringComparison.Ordinal);
        Assert.True(start >= 0, "no Google Ads example in docs/configuration.md");
        return YamlBlock().Match(text[start..]).Groups[1].Value;
    }

    /// <summary>A direct run, the clock moved a second at a time while it waits for rate limit tokens.</summary>
    private async Task<TargetRunResult> RunAsync(string target)
    {
        var run = new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == target), new RunOptions(), null, null, null, CancellationToken.None);
        await _bed.AdvanceUntilAsync(() => Task.FromResult(run.IsCompleted), TimeSpan.FromSeconds(1));
        return await run;
    }

    private List<string> Files(string root)
    {
        var full = _bed.Directory.Combine(root);
        return [.. System.IO.Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(full, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
