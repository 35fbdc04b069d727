using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// <c>GET /api/v1/reports/audit</c>: the monthly audit report for admins, the same document that
/// <c>syncplane report audit --format json</c> prints (the CLI run as a real process on the server's store).
/// </summary>
public sealed class AuditReportApiTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs: { entrypoint: "true" }
          site: { entrypoint: "true" }
        """;

    private readonly string _month = TimeProvider.System.GetUtcNow().ToString("yyyy-MM", CultureInfo.InvariantCulture);
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Yaml, workers: false, checks: false);
        foreach (var (target, status) in new[] { ("docs", RunStatus.Succeeded), ("docs", RunStatus.Failed), ("site", RunStatus.Succeeded) })
        {
            var id = await _server.Store.StartRunAsync(new NewRun(target, "api", "pull", false), CancellationToken.None);
            await _server.Store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = "m" }, CancellationToken.None);
        }

        await _server.Store.AppendAuditAsync("token:alice", "run.trigger", "docs", "{}", CancellationToken.None);
        await _server.Store.AppendAuditAsync("token:alice", "run.retry", "site", "{}", CancellationToken.None);
        await _server.Store.AppendAuditAsync("token:bob", "run.trigger", "docs", "{}", CancellationToken.None);
        await _server.Store.AppendAuditAsync("token:alice", "target.pause", "docs", "{}", CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Get_AsAdmin_ReturnsTheMonthsReport_TheSameAsTheCliPrints()
    {
        using var admin = _server.Client(ApiRole.Admin);
        var response = await admin.GetAsync($"/api/v1/reports/audit?month={_month}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(_month, (string?)report["month"]);
        Assert.Equal((3, 2, 1), ((int)report["runs"]!["attempts"]!, (int)report["runs"]!["successes"]!, (int)report["runs"]!["failures"]!));
        Assert.Equal(["token:alice:2", "token:bob:1"], report["manual_syncs"]!.AsArray().Select(m => $"{m!["actor"]}:{m["count"]}"));
        Assert.Equal("docs", (string?)Assert.Single(report["failures"]!.AsArray())!["target"]);
        Assert.Equal(["docs", "site"], report["targets"]!.AsArray().Select(t => (string?)t!["target"]));

        var cli = await SyncplaneCli.RunAsync(_server.Directory.Path, "report", "audit", "--month", _month, "--format", "json", "--store", _server.Directory.Combine(".syncplane", "test.db"));
        Assert.True(cli.ExitCode == 0, cli.All);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cli.Stdout), report), $"the CLI printed\n{cli.Stdout}\nthe API returned\n{report}");
    }

    [Fact]
    public async Task Get_WithoutAMonth_ReportsThePreviousMonth()
    {
        using var admin = _server.Client(ApiRole.Admin);
        var report = JsonNode.Parse(await admin.GetStringAsync("/api/v1/reports/audit"))!;

        var now = TimeProvider.System.GetUtcNow();
        Assert.Equal(new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture), (string?)report["month"]);
        Assert.Equal(0, (int)report["runs"]!["attempts"]!);
        Assert.Empty(report["manual_syncs"]!.AsArray());
    }

    [Theory]
    [InlineData(ApiRole.Viewer)]
    [InlineData(ApiRole.Operator)]
    public async Task Get_AsANonAdmin_IsForbidden(ApiRole role)
    {
        using var client = _server.Client(role);
        var response = await client.GetAsync($"/api/v1/reports/audit?month={_month}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("token:alice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("November")]
    [InlineData("2026-13")]
    [InlineData("2026-1")]
    [InlineData("2026-11-01")]
    [InlineData("9999-12")]
    [InlineData("")]
    public async Task Get_WithAMonthThatIsNotYYYYMM_Is400_SayingWhatAMonthLooksLike(string month)
    {
        using var admin = _server.Client(ApiRole.Admin);
        var response = await admin.GetAsync("/api/v1/reports/audit?month=" + Uri.EscapeDataString(month));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"];
        Assert.Equal($"'month' must be a month such as 2026-11 (YYYY-MM, UTC), not '{month}'", detail);
    }
}
