using System.Net;
using System.Text.Json.Nodes;
using Syncplane.Documents;
using Syncplane.Events;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>Hostile probes with alpha's token: another project's names in query strings, its event ids as resume points, its documents' ETags.</summary>
public sealed partial class ProjectIsolationTests
{
    [Theory]
    [InlineData("/api/v1/runs?target=NAME")]
    [InlineData("/api/v1/runs?target=NAME&status=failed&limit=5")]
    [InlineData("/api/v1/runs?target=alpha-site,NAME")]
    [InlineData("/api/v1/targets?name=NAME")]
    [InlineData("/api/v1/targets?target=NAME")]
    [InlineData("/api/v1/overview?target=NAME")]
    [InlineData("/api/v1/events/recent?target=NAME&after=0&limit=1000")]
    [InlineData("/api/v1/events/recent?target=NAME&type=run.*&after=0")]
    [InlineData("/api/v1/analytics?target=NAME")]
    [InlineData("/api/v1/analytics?target=NAME&step=day")]
    [InlineData("/api/v1/alerts?target=NAME")]
    [InlineData("/api/v1/alerts/history?subject=NAME")]
    [InlineData("/api/v1/audit?subject=NAME")]
    [InlineData("/api/v1/audit?action=project.denied&subject=NAME")]
    [InlineData("/connections/?id=NAME")]
    [InlineData("/api/sync/status?target=NAME")]
    public async Task AnotherProjectsTarget_InAQueryString_IsAnsweredAsANonexistentOne(string template) =>
        await AssertSameAsMissingAsync(template, "bravo-site", "zulu-site");

    [Theory]
    [InlineData("/api/v1/analytics?check=NAME")]
    [InlineData("/api/v1/checks?name=NAME")]
    [InlineData("/api/v1/events/recent?target=NAME&after=0")]
    [InlineData("/api/sync/heartbeat?name=NAME")]
    public async Task AnotherProjectsCheck_InAQueryString_IsAnsweredAsANonexistentOne(string template) =>
        await AssertSameAsMissingAsync(template, "bravo-probe", "zulu-probe");

    [Theory]
    [InlineData("/api/v1/alerts/history?alert=NAME")]
    [InlineData("/api/v1/alerts/history?alert=NAME&limit=500")]
    public async Task AnotherProjectsAlertId_InAQueryString_IsAnsweredAsANonexistentOne(string template) =>
        await AssertSameAsMissingAsync(template, _bravoAlert.ToString(System.Globalization.CultureInfo.InvariantCulture), "987654");

    [Theory]
    [InlineData("*")]
    [InlineData("bravo-*")]
    [InlineData("%")]
    [InlineData("bravo-site%25")]
    [InlineData("_ravo-site")]
    [InlineData("BRAVO-SITE")]
    [InlineData("bravo-site%00")]
    [InlineData("bravo-site,ops-shared")]
    public async Task PatternsAndLookalikes_OfAnotherProjectsNames_MatchNothingOfIt(string name)
    {
        foreach (var path in new[] { "/api/v1/runs?target=", "/api/v1/events/recent?after=0&limit=1000&target=", "/api/v1/analytics?target=", "/api/v1/analytics?check=", "/api/v1/targets/", "/api/v1/runs?limit=100&status=failed&target=" })
        {
            var (status, body) = await Send(_alpha, "GET", path + name);
            AssertNoLeak((status, EchoedName().Replace(body, "{")), path + name, Uri.UnescapeDataString(name)); // an answer may echo the name asked for
        }
    }

    [Fact]
    public async Task CountsAndSums_CoverOnlyTheProjectsOwnObjects()
    {
        var overview = await JsonAsync(_alpha, "/api/v1/overview");
        Assert.Equal(2, overview.GetProperty("targets").GetProperty("total").GetInt32()); // alpha-site, alpha-assets
        Assert.Equal(1, overview.GetProperty("runs_last_24h").GetProperty("failed").GetInt32());
        Assert.False(overview.GetProperty("runs_last_24h").TryGetProperty("succeeded", out _)); // ops-shared's run
        Assert.Equal(0, overview.GetProperty("queue_depth").GetInt32());
        Assert.Equal(2, (await JsonAsync(_alpha, "/api/v1/targets")).GetProperty("items").GetArrayLength());
        Assert.Single((await JsonAsync(_alpha, "/api/v1/runs")).GetProperty("items").EnumerateArray());
        var alerts = (await JsonAsync(_alpha, "/api/v1/alerts")).GetProperty("alerts").EnumerateArray().ToList();
        Assert.All(alerts, a => Assert.StartsWith("alpha-", a.GetProperty("target").GetString(), StringComparison.Ordinal));
        Assert.Single(alerts, a => a.GetProperty("state").GetString() == "firing");

        // Analytics over all targets sums the project's: alpha's and bravo's failures add up to the global figure.
        using var global = _server.Client(Syncplane.Access.ApiRole.Viewer);
        var failures = new List<int>();
        foreach (var client in new[] { _alpha, _bravo, global })
        {
            failures.Add(await FailuresAsync(client));
        }

        Assert.Equal(failures[2], failures[0] + failures[1]);
        Assert.True(failures[0] <= 1, $"alpha's analytics count {failures[0]} failures; it has one failed run");

        static async Task<int> FailuresAsync(HttpClient client) =>
            (await JsonAsync(client, "/api/v1/analytics")).GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("failures").GetInt32());
    }

    private static async Task<System.Text.Json.JsonElement> JsonAsync(HttpClient client, string path)
    {
        var (status, body) = await Send(client, "GET", path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task AnotherProjectsDocumentETag_GetsTheNonexistent404_NotA304()
    {
        foreach (var project in new[] { "alpha", "bravo" })
        {
            await _server.Store.SaveDocumentSyncAsync(new DocumentSync($"{project}-doc", $"{project}-assets", null, [],
                [new DocumentUpsert("i1", "default", $$"""{"name":"{{project}}-i1"}""", null)], []), CancellationToken.None);
        }

        using var own = await _bravo.GetAsync("/api/v1/documents/bravo-doc");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var etag = own.Headers.ETag!.ToString();

        foreach (var tag in new[] { etag, "*" })
        {
            var denied = await GetWithETagAsync("/api/v1/documents/bravo-doc", tag);
            var absent = await GetWithETagAsync("/api/v1/documents/zulu-doc", tag);
            Assert.Equal(HttpStatusCode.NotFound, denied.Status);
            Assert.Equal(Normalize(absent.Body.Replace("zulu-doc", "NAME", StringComparison.Ordinal)), Normalize(denied.Body.Replace("bravo-doc", "NAME", StringComparison.Ordinal)));
            Assert.Null(denied.ETag);
        }

        // Alpha's own document is not matched by bravo's tag.
        Assert.Equal(HttpStatusCode.OK, (await GetWithETagAsync("/api/v1/documents/alpha-doc", etag)).Status);
    }

    [Theory]
    [InlineData("Last-Event-ID")]
    [InlineData("last_event_id")]
    [InlineData("since")]
    public async Task ResumingTheStream_FromAnotherProjectsEventIds_ReplaysNothingOfIt(string how)
    {
        var events = await _server.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        var bravoIds = events.Where(e => e.Target == "bravo-site").Select(e => e.Id).ToList();
        Assert.NotEmpty(bravoIds);
        foreach (var id in new[] { bravoIds[0] - 1, bravoIds[0], bravoIds[^1] - 1 })
        {
            var resume = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var path = "/api/v1/events?target=bravo-site,alpha-site&type=run.*,alert.*,webhook.*" + (how == "Last-Event-ID" ? "" : $"&{how}={resume}");
            await using var stream = await SseClient.ConnectAsync(_alpha, path, how == "Last-Event-ID" ? resume : null);
            await _server.Store.AppendEventAsync(new NewEvent(EventTypes.RunQueued, "alpha-site", null, new JsonObject { ["last"] = resume }), CancellationToken.None);

            var (_, seen) = await stream.WaitForAsync(e => e.Data.TryGetProperty("last", out var last) && last.GetString() == resume, "alpha's marker");
            Assert.NotEmpty(seen); // alpha's own run events before the marker were replayed
            Assert.All(seen, e => Assert.DoesNotContain("bravo", e.Json.GetRawText(), StringComparison.Ordinal));
        }
    }

    private async Task AssertSameAsMissingAsync(string template, string foreign, string missing)
    {
        var denied = await Send(_alpha, "GET", template.Replace("NAME", foreign, StringComparison.Ordinal));
        var absent = await Send(_alpha, "GET", template.Replace("NAME", missing, StringComparison.Ordinal));

        Assert.Equal(absent.Status, denied.Status);
        Assert.Equal(Normalize(absent.Body.Replace(missing, "NAME", StringComparison.Ordinal)), Normalize(denied.Body.Replace(foreign, "NAME", StringComparison.Ordinal)));
        AssertNoLeak(denied, template, foreign);
    }

    private async Task<(HttpStatusCode Status, string Body, string? ETag)> GetWithETagAsync(string path, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var response = await _alpha.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.ToString());
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\{""(target|check)"":""(\\.|[^""\\])*"",")]
    private static partial System.Text.RegularExpressions.Regex EchoedName();
}
