using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Sql;

/// <summary>A database the sql destination cannot reach fails the run with a message naming it, without its password.</summary>
public sealed class SqlDestinationConnectionTests : IAsyncLifetime
{
    private const string Variable = "SYNCPLANE_TEST_SQL_UNREACHABLE";
    private readonly MetaGraphApi _api = new();
    private EngineTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _api.Add("1", "2026-01-01", "1", "1", "1");
        Environment.SetEnvironmentVariable(Variable, "postgres://metrics:hunter2-secret@127.0.0.1:1/ads");
        _bed = await EngineTestBed.CreateAsync($$"""
            targets:
              postgres:
                source: { http: { url: "{{_api.Url}}", records: data, key: [campaign_id, date_start], next: paging.next } }
                destination: { sql: { connection: "${env:{{Variable}}}", table: ad_metrics } }
              sqlite:
                source: { http: { url: "{{_api.Url}}", records: data, key: [campaign_id, date_start], next: paging.next } }
                destination: { sql: { connection: missing/metrics.db, table: ad_metrics } }
            """);
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _api.DisposeAsync();
        Environment.SetEnvironmentVariable(Variable, null);
    }

    [Fact]
    public async Task UnreachablePostgres_FailsNamingTheServerWithoutThePassword()
    {
        var result = await RunAsync("postgres");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("cannot connect to PostgreSQL postgres://metrics@127.0.0.1:1/ads", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Message, StringComparison.Ordinal);
        var log = await _bed.Store.GetLogAsync(result.RunId, CancellationToken.None);
        Assert.DoesNotContain(log, l => l.Message.Contains("hunter2", StringComparison.Ordinal));
        Assert.Empty(_api.Requests); // the database is checked before the API is called
    }

    [Fact]
    public async Task SqliteFileInAMissingDirectory_FailsNamingTheDirectory()
    {
        var result = await RunAsync("sqlite");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains($"cannot open SQLite {_bed.Directory.Combine("missing", "metrics.db")}: the directory {_bed.Directory.Combine("missing")} does not exist", result.Message, StringComparison.Ordinal);
    }

    private Task<TargetRunResult> RunAsync(string target) =>
        new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == target), new RunOptions(), null, null, null, CancellationToken.None);
}
