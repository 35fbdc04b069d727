using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parquet;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// <c>syncplane export analytics</c>, <c>report audit</c> and <c>prune</c> as docs/analytics.md shows them, run as real
/// processes on a SQLite store that holds runs finished now (the CLI reads the real clock).
/// </summary>
public sealed class AnalyticsCommandsTests : IAsyncLifetime
{
    private static readonly string[] Columns =
    [
        "period", "period_start", "target", "attempts", "successes", "failures", "refusals", "cancellations", "success_rate",
        "runs_with_changes", "items_written", "duration_p50_ms", "duration_p95_ms", "duration_max_ms", "latency_p50_ms",
        "latency_p95_ms", "latency_max_ms", "last_success_at", "freshness_seconds",
    ];

    private readonly TempDirectory _dir = new();
    private string _month = "";

    public async Task InitializeAsync()
    {
        _dir.Write("syncplane.yaml", AnalyticsDocsTests.RetentionExample() + "  site: { entrypoint: \"true\" }\n");
        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        foreach (var (target, status) in new[] { ("docs", RunStatus.Succeeded), ("docs", RunStatus.Failed), ("site", RunStatus.Succeeded) })
        {
            var id = await store.StartRunAsync(new NewRun(target, "cli", "pull", false), CancellationToken.None);
            await store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = "m" }, CancellationToken.None);
        }

        await store.AppendAuditAsync("token:alice", "run.trigger", "docs", "{}", CancellationToken.None);
        await store.AppendAuditAsync("token:alice", "run.retry", "site", "{}", CancellationToken.None);
        await store.AppendAuditAsync("cli:bob", "run.trigger", "docs", "{}", CancellationToken.None);
        await store.AppendAuditAsync("token:alice", "target.pause", "docs", "{}", CancellationToken.None);
        _month = TimeProvider.System.GetUtcNow().ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ExportAnalytics_Parquet_ReadsBackWithFlatColumnsAndUtcTimestamps()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "export", "analytics", "--since", "30d", "--format", "parquet", "--out", "analytics.parquet");
        Assert.True(result.ExitCode == 0, result.All);

        await using var file = File.OpenRead(_dir.Combine("analytics.parquet"));
        var loaded = await ParquetSerializer.DeserializeAsync<ExportedRow>(file);
        var fields = (await ParquetReader.ReadSchemaAsync(_dir.Combine("analytics.parquet"))).GetDataFields();
        Assert.Equal(Columns, fields.Select(f => f.Name));
        var periodStart = Assert.IsType<Parquet.Schema.DateTimeDataField>(fields[1]);
        Assert.True(periodStart.IsAdjustedToUTC);
        var rows = loaded.Data.OrderBy(r => r.Target, StringComparer.Ordinal).ToList();
        Assert.Equal([("docs", 2L, 1L), ("site", 1L, 1L)], rows.Select(r => (r.Target, r.Attempts, r.Successes)));
        Assert.All(rows, r => Assert.Equal(DateTime.UtcNow.Date, r.PeriodStart.ToUniversalTime()));
    }

    [Fact]
    public async Task ExportAnalytics_CsvAndNdjson_HaveTheDocumentedColumns()
    {
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "export", "analytics", "--since", "30d", "--format", "csv", "--out", "a.csv")).ExitCode);
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "export", "analytics", "--since", "30d", "--out", "a.ndjson")).ExitCode);

        var csv = File.ReadAllLines(_dir.Combine("a.csv"));
        Assert.Equal(string.Join(',', Columns), csv[0]);
        Assert.StartsWith($"day,{DateTime.UtcNow:yyyy-MM-dd}T00:00:00.000000Z,docs,2,1,1,0,0,0.5,", csv[1], StringComparison.Ordinal);
        var json = File.ReadAllLines(_dir.Combine("a.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, json.Count);
        Assert.Equal(Columns, json[0].EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("Z", json[0].GetProperty("last_success_at").GetString(), StringComparison.Ordinal);

        var bad = await SyncplaneCli.RunAsync(_dir.Path, "export", "analytics", "--since", "soon", "--out", "x.csv");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--since must be a duration", bad.All, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("x.csv")));
    }

    [Fact]
    public async Task ReportAudit_ListsManualSyncsByWhom_FailuresAndSuccessRates()
    {
        var markdown = await SyncplaneCli.RunAsync(_dir.Path, "report", "audit", "--month", _month);
        Assert.True(markdown.ExitCode == 0, markdown.All);
        Assert.Contains($"# Syncplane audit report: {_month}", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("| token:alice | 2 | docs, site |", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("| cli:bob | 1 | docs |", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("| docs | 2 | 1 | 1 | 50.0 % |", markdown.Stdout, StringComparison.Ordinal);

        var json = JsonDocument.Parse((await SyncplaneCli.RunAsync(_dir.Path, "report", "audit", "--month", _month, "--format", "json")).Stdout).RootElement;
        Assert.Equal((3, 2), (json.GetProperty("runs").GetProperty("attempts").GetInt32(), json.GetProperty("runs").GetProperty("successes").GetInt32()));
        Assert.Equal("docs", Assert.Single(json.GetProperty("failures").EnumerateArray()).GetProperty("target").GetString());
        Assert.Equal(["token:alice", "cli:bob"], json.GetProperty("manual_syncs").EnumerateArray().Select(m => m.GetProperty("actor").GetString()));

        Assert.Equal(2, (await SyncplaneCli.RunAsync(_dir.Path, "report", "audit", "--month", "November")).ExitCode);
    }

    [Fact]
    public async Task Prune_SaysWhatItDeleted_AndKeepsRecentHistory()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "prune");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("deleted 0 run(s) and 0 log line(s) older than 90d", result.Stdout, StringComparison.Ordinal);
        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        Assert.Equal(3, (await store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Count);
    }

    private sealed class ExportedRow
    {
        [JsonPropertyName("target")]
        [ParquetRequired]
        public string Target { get; set; } = "";

        [JsonPropertyName("attempts")]
        public long Attempts { get; set; }

        [JsonPropertyName("successes")]
        public long Successes { get; set; }

        [JsonPropertyName("period_start")]
        public DateTime PeriodStart { get; set; }
    }
}
