using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>The http source end to end: a real API on 127.0.0.1, records written by the directory destination.</summary>
public sealed class HttpSourceTests : IAsyncLifetime
{
    private const string TokenVariable = "SYNCPLANE_TEST_HTTP_SOURCE_TOKEN";
    private readonly FakeApi _api = new();
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(TokenVariable, "s3cr3t-page-token");
        _bed = await EngineTestBed.CreateAsync($$"""
            targets:
              ads:
                source:
                  http:
                    url: "{{_api.Url}}/v1/ads"
                    headers: { Authorization: "Bearer ${env:{{TokenVariable}}}" }
                    records: data
                    key: [id]
                    next: paging.next
                destination: { directory: { path: out } }
              insights:
                source: { http: { url: "{{_api.Url}}/v1/insights", records: result.rows, key: [campaign, date] } }
                destination: { directory: { path: insights } }
            """);
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_TwoPages_WritesOneCanonicalJsonFilePerRecord()
    {
        _api.Pages["/v1/ads"] = FakeApi.Json($$"""
            { "data": [ { "name": "spring", "id": 1, "budget": 12.50 }, { "id": 2, "name": "summer", "tags": ["b", "a"] } ],
              "paging": { "next": "{{_api.Url}}/v1/ads?page=2" } }
            """);
        _api.Page("/v1/ads?page=2", null, new { id = "x-3", name = "ünïcode" });

        var result = await RunAsync("ads");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal((3, 0, 0), (result.Plan!.Summary.Creates, result.Plan.Summary.Updates, result.Plan.Summary.Deletes));
        Assert.Equal(["1.json", "2.json", "x-3.json"], Files("out"));
        Assert.Equal("{\"budget\":12.5,\"id\":1,\"name\":\"spring\"}\n", Read("out/1.json"));
        Assert.Equal("{\"id\":2,\"name\":\"summer\",\"tags\":[\"b\",\"a\"]}\n", Read("out/2.json"));
        Assert.Equal("{\"id\":\"x-3\",\"name\":\"ünïcode\"}\n", Read("out/x-3.json"));
        Assert.Equal(2, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Contains("Authorization: Bearer s3cr3t-page-token", r, StringComparison.Ordinal));
        var log = await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None);
        Assert.Contains(log, l => l.Message.Contains("3 record(s) in 2 page(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_Again_WritesNothingForUnchangedRecordsAndRewritesAChangedOneOfTheSameSize()
    {
        _api.Page("/v1/ads", "/v1/ads?page=2", new { id = 1, name = "aaaa" }, new { id = 2, name = "bbbb" });
        _api.Page("/v1/ads?page=2", null, new { id = 3, name = "cccc" });
        await RunAsync("ads");
        var written = File.GetLastWriteTimeUtc(_bed.Directory.Combine("out", "1.json"));

        var unchanged = await RunAsync("ads");
        _api.Page("/v1/ads?page=2", null, new { id = 3, name = "dddd" }, new { id = 4, name = "eeee" });
        _api.Page("/v1/ads", "/v1/ads?page=2", new { id = 1, name = "aaaa" }); // record 2 is gone
        var changed = await RunAsync("ads");

        Assert.Equal((0, 0, 0, 3), (unchanged.Plan!.Summary.Creates, unchanged.Plan.Summary.Updates, unchanged.Plan.Summary.Deletes, unchanged.Plan.Summary.Unchanged));
        Assert.Equal((1, 1, 1, 1), (changed.Plan!.Summary.Creates, changed.Plan.Summary.Updates, changed.Plan.Summary.Deletes, changed.Plan.Summary.Unchanged));
        Assert.Equal(written, File.GetLastWriteTimeUtc(_bed.Directory.Combine("out", "1.json")));
        Assert.Equal("{\"id\":3,\"name\":\"dddd\"}\n", Read("out/3.json"));
        Assert.Equal(["1.json", "3.json", "4.json"], Files("out"));
    }

    [Fact]
    public async Task RunAsync_NumbersWrittenDifferentlyWithTheSameValue_AreUnchanged_ButNumericStringsAreText()
    {
        _api.Pages["/v1/ads"] = FakeApi.Json("""{ "data": [ { "id": 1, "spend": 12.50, "conversions": 2.0, "reach": 1.5e3, "cost_micros": "1230000" }, { "id": 2, "spend": 0.10 } ] }""");
        var first = await RunAsync("ads");
        var written = Read("out/1.json");
        _api.Pages["/v1/ads"] = FakeApi.Json("""{ "data": [ { "id": 1, "spend": 12.5, "conversions": 2, "reach": 1500, "cost_micros": "1230000" }, { "id": 2, "spend": 1e-1 } ] }""");
        var same = await RunAsync("ads");
        _api.Pages["/v1/ads"] = FakeApi.Json("""{ "data": [ { "id": 1, "spend": 12.5, "conversions": 2, "reach": 1500, "cost_micros": "1230000.0" }, { "id": 2, "spend": 0.1 } ] }""");
        var text = await RunAsync("ads");

        Assert.Equal(RunStatus.Succeeded, first.Status);
        Assert.Equal("{\"conversions\":2,\"cost_micros\":\"1230000\",\"id\":1,\"reach\":1500,\"spend\":12.5}\n", written);
        Assert.Equal((0, 2), (same.Plan!.Summary.Updates, same.Plan.Summary.Unchanged));
        Assert.Equal((1, 1), (text.Plan!.Summary.Updates, text.Plan.Summary.Unchanged)); // a string is compared as text
    }

    [Fact]
    public async Task RunAsync_CompositeKeyAndNestedRecords_WritesAFilePerKeyPath()
    {
        _api.Pages["/v1/insights"] = FakeApi.Json("""
            { "result": { "rows": [ { "campaign": "c1", "date": "2026-01-01", "clicks": 3 }, { "campaign": "c1", "date": "2026-01-02", "clicks": 5 }, { "campaign": 7.0, "date": "2026-01-01", "clicks": 0 } ] } }
            """);

        var result = await RunAsync("insights");

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal(["7/2026-01-01.json", "c1/2026-01-01.json", "c1/2026-01-02.json"], Files("insights"));
        Assert.Equal("{\"campaign\":\"c1\",\"clicks\":5,\"date\":\"2026-01-02\"}\n", Read("insights/c1/2026-01-02.json"));
    }

    [Fact]
    public async Task RunAsync_RecordsInFolders_CountRecordsNeverFolders()
    {
        _api.Pages["/v1/insights"] = FakeApi.Json("""
            { "result": { "rows": [ { "campaign": "c1", "date": "2026-01-01", "clicks": 3 }, { "campaign": "c1", "date": "2026-01-02", "clicks": 5 }, { "campaign": 7, "date": "2026-01-01", "clicks": 0 } ] } }
            """);

        var first = await RunAsync("insights");
        var second = await RunAsync("insights");

        Assert.Equal((3, 0, 0, 0), (first.Plan!.Summary.Creates, first.Plan.Summary.Updates, first.Plan.Summary.Deletes, first.Plan.Summary.Unchanged));
        Assert.Equal((0, 0, 0, 3), (second.Plan!.Summary.Creates, second.Plan.Summary.Updates, second.Plan.Summary.Deletes, second.Plan.Summary.Unchanged));
        Assert.Contains("(3 item(s))", second.Message, StringComparison.Ordinal);
        var stored = await _bed.Store.GetRunAsync(second.RunId, CancellationToken.None);
        Assert.Equal(3, stored!.Summary!.Unchanged);
    }

    [Theory]
    [InlineData("""{ "result": { "rows": [ { "campaign": "c1", "clicks": 3 } ] } }""", "record 1 of page 1 (URL/v1/insights) has no field 'date', which 'key' names")]
    [InlineData("""{ "result": { "rows": [ { "campaign": "../x", "date": "d" } ] } }""", "key field 'campaign' is '../x', which cannot name a file")]
    [InlineData("""{ "result": { "rows": [ { "campaign": "c", "date": "d" }, { "campaign": "c", "date": "d" } ] } }""", "record 2 of page 1 (URL/v1/insights) has the key c/d.json, like an earlier record")]
    [InlineData("""{ "result": { "rows": { "campaign": "c" } } }""", "'result.rows' is object, not an array of records")]
    [InlineData("""{ "data": [] }""", "returned JSON without 'result.rows' ('records')")]
    [InlineData("""<html>maintenance</html>""", "did not return JSON")]
    public async Task RunAsync_BadRecords_FailsNamingTheRecordAndWritesNothing(string body, string message)
    {
        _api.Pages["/v1/insights"] = FakeApi.Json(body);

        var result = await RunAsync("insights");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains(message.Replace("URL", _api.Url, StringComparison.Ordinal), result.Message, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(_bed.Directory.Combine("insights")));
    }

    [Fact]
    public async Task RunAsync_NextPageOnAnotherHostOrLooping_FailsWithoutSendingTheHeadersThere()
    {
        _api.Page("/v1/ads", "http://localhost:1/steal", new { id = 1 });
        var elsewhere = await RunAsync("ads");
        _api.Page("/v1/ads", "/v1/ads?page=2", new { id = 1 });
        _api.Page("/v1/ads?page=2", "/v1/ads", new { id = 2 });
        var loop = await RunAsync("ads");

        Assert.Contains("the next page http://localhost:1/steal is on another host than 'url'", elsewhere.Message, StringComparison.Ordinal);
        Assert.Contains($"pagination loops: page 3 is {_api.Url}/v1/ads again", loop.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, loop.Status);
    }

    [Fact]
    public async Task ReadAsync_AReaderThatStopsAtTheFirstRecord_HasAskedForTwoPagesAheadAndNoMore()
    {
        for (var page = 1; page <= 8; page++)
        {
            _api.Page(page == 1 ? "/v1/ads" : $"/v1/ads?page={page}", page < 8 ? $"{_api.Url}/v1/ads?page={page + 1}" : null, new { id = page });
        }

        var target = _bed.Config.Targets.Single(t => t.Name == "ads");
        var context = new ConnectorContext(target.Name, _bed.Config.BaseDirectory, _bed.Config.StateDirectory, _bed.Secrets, new TestRunLog(), _bed.Time);
        var source = (IRecordSource)ConnectorRegistry.Default.Find(ConnectorTypes.Http)!.CreateSource(target.Source!.Options, context);
        await using (var records = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator())
        {
            Assert.True(await records.MoveNextAsync());
            // The page being read, one parsed and waiting, one on its way: the reading ahead stops there, however long
            // the reader takes (each request spends the upstream's quota).
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // fewer requests than that: fails, not hangs
            while (_api.Requests.Count < 3)
            {
                await Task.Delay(10, limit.Token);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300)); // time enough for five more small pages, were they asked for
            Assert.Equal(3, _api.Requests.Count);
        }

        Assert.Equal(3, _api.Requests.Count); // stopping cancelled nothing that would send another
    }

    private Task<TargetRunResult> RunAsync(string target) =>
        new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == target), new RunOptions(), null, null, null, CancellationToken.None);

    private List<string> Files(string root)
    {
        var full = _bed.Directory.Combine(root);
        return [.. System.IO.Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(full, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
    }

    private string Read(string relative) => File.ReadAllText(_bed.Directory.Combine(relative));
}
