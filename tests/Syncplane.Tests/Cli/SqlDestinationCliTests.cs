using System.Text.Json;
using Microsoft.Data.Sqlite;
using Syncplane.Tests.Connectors.Sql;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane run</c> of an http source into a SQLite table: the summary line, and the plan of a dry run as text and JSON.</summary>
public sealed class SqlDestinationCliTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly MetaGraphApi _api = new();

    public Task InitializeAsync()
    {
        _api.Add("120210001", "2026-01-01", "12.34", "1000", "10");
        _api.Add("120210002", "2026-01-01", "3.10", "300", "3");
        _api.Add("120210003", "2026-01-01", "99.99", "5000", "77");
        _dir.Write("syncplane.yaml", $$"""
            targets:
              meta:
                source: { http: { url: "{{_api.Url}}", records: data, key: [campaign_id, date_start], next: paging.next } }
                destination:
                  sql:
                    connection: metrics.db
                    table: ad_metrics
                    compare: [spend, impressions, clicks]
                    columns: { spend: numeric, impressions: integer, clicks: integer }
                    delete: true
            """);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task DryRun_PrintsKeysToInsertUpdateWithFieldsAndDelete_AsTextAndJson_AndWritesNothing()
    {
        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        _api.Row("120210001", "2026-01-01")["spend"] = "13.50";
        _api.Row("120210001", "2026-01-01")["campaign_name"] = "renamed"; // not compared
        _api.Rows.Remove(_api.Row("120210002", "2026-01-01"));
        _api.Add("120210004", "2026-01-02", "1", "2", "3");

        var text = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--dry-run");
        var json = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--dry-run", "--json");
        var spendBefore = Spend("120210001");
        var real = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("synced successfully: 3 row(s) inserted, 0 updated, 0 deleted, 0 unchanged", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("dry run: 1 row(s) to insert, 1 to update, 1 to delete, 1 unchanged, nothing written", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("- 120210002/2026-01-01\n", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("+ 120210004/2026-01-02\n", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ 120210001/2026-01-01: spend 12.34 → 13.5\n", text.Stdout, StringComparison.Ordinal);
        var plan = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("results")[0].GetProperty("plan");
        Assert.Equal("120210004/2026-01-02", plan.GetProperty("creates")[0].GetString());
        Assert.Equal("120210002/2026-01-01", plan.GetProperty("deletes")[0].GetString());
        var spend = plan.GetProperty("changed_fields").GetProperty("120210001/2026-01-01").GetProperty("spend");
        Assert.Equal((12.34m, 13.5m), (spend.GetProperty("old").GetDecimal(), spend.GetProperty("new").GetDecimal()));
        Assert.Equal("12.34", spendBefore);
        Assert.Equal(0, real.ExitCode);
        Assert.Contains("synced successfully: 1 row(s) inserted, 1 updated, 1 deleted, 1 unchanged", real.Stdout, StringComparison.Ordinal);
        Assert.Equal("13.5", Spend("120210001"));
    }

    private string? Spend(string campaign)
    {
        using var connection = new SqliteConnection($"Data Source={_dir.Combine("metrics.db")};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand("SELECT spend FROM ad_metrics WHERE campaign_id = @c", connection);
        command.Parameters.AddWithValue("@c", campaign);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
