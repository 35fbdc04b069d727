using Syncplane.Access;
using Syncplane.Server.Telemetry;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Telemetry;

/// <summary><c>/metrics</c> is served from the meter's in-memory snapshot: scrapes cost no store query; run events retake it (issue 12).</summary>
public sealed class MetricsScrapeTests
{
    [Fact]
    public async Task Scrapes_QueryNothing_AndARunsEventsBringItsOutcomeIntoTheNextScrapes()
    {
        using var db = new TempDirectory();
        await using var sqlite = new SqliteSyncStore(db.Combine("metrics.db"), TimeProvider.System);
        var store = new InterceptingStore(sqlite);
        await using var server = await TestServer.StartAsync("""
            targets:
              ok: { entrypoint: "true" }
            """, _ => store.Proxy, metrics: new MetricsOptions { RefreshInterval = TimeSpan.FromHours(1) });
        using var viewer = server.Client(ApiRole.Viewer);
        using var operatorClient = server.Client(ApiRole.Operator);

        var snapshots = Snapshots(store);
        var scrapes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            scrapes.Add(await viewer.GetStringAsync("/metrics"));
        }

        Assert.Equal(snapshots, Snapshots(store));
        Assert.All(scrapes, s => Assert.Contains(MetricsScrape.Sample("syncplane_target_consecutive_failures", ("target", "ok")) + "0\n", s, StringComparison.Ordinal));
        Assert.All(scrapes, s => Assert.DoesNotContain("syncplane_runs_total{", s, StringComparison.Ordinal));

        (await operatorClient.PostAsync("/api/v1/targets/ok/sync", null)).EnsureSuccessStatusCode();
        await MetricsScrape.UntilContainsAsync(viewer, MetricsScrape.Sample("syncplane_runs_total", ("target", "ok"), ("status", "succeeded")) + "1\n");

        Assert.True(Snapshots(store) > snapshots);
    }

    private static int Snapshots(InterceptingStore store) => store.Calls.GetValueOrDefault(nameof(Syncplane.Storage.ISyncStore.ReadRunSnapshotAsync));
}
