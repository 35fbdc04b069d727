using System.Data.Common;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Sql;

/// <summary>
/// The sql destination end to end against a fake Meta Graph API on 127.0.0.1, run by the engine into a real database:
/// what was written is read back from the database, and how many rows were written is counted by the database itself.
/// </summary>
public abstract class SqlDestinationContract : IAsyncLifetime
{
    private readonly string _variable = "SYNCPLANE_TEST_SQL_" + Guid.NewGuid().ToString("n")[..8].ToUpperInvariant();
    private EngineTestBed _bed = null!;

    internal MetaGraphApi Api { get; } = new();

    /// <summary>The database's connection string or file path, handed to the config through a secret reference.</summary>
    protected abstract string ConnectionValue { get; }

    /// <summary>Starts counting the rows the database sees inserted, updated and deleted in ad_metrics (which exists by now).</summary>
    protected abstract Task StartCountingAsync();

    /// <summary>Rows inserted, updated and deleted in ad_metrics since <see cref="StartCountingAsync"/>, as the database counts them.</summary>
    protected abstract Task<(long Inserted, long Updated, long Deleted)> WritesAsync();

    /// <summary>A new, unpooled connection to the database.</summary>
    protected abstract Task<DbConnection> OpenAsync();

    /// <summary>A text column type whose collation sorts otherwise than by bytes (case-insensitive).</summary>
    protected abstract string CollatedText { get; }

    /// <summary>A value read from the database as text: numbers normalized, null as null.</summary>
    protected abstract string? Text(object value);

    /// <summary>Every row of ad_metrics by "campaign_id/date_start": column → value as text (see <see cref="Text"/>).</summary>
    protected async Task<Dictionary<string, Dictionary<string, string?>>> RowsAsync()
    {
        var rows = new Dictionary<string, Dictionary<string, string?>>();
        await foreach (var row in QueryAsync("SELECT * FROM ad_metrics", r => Enumerable.Range(0, r.FieldCount).ToDictionary(r.GetName, i => Text(r.GetValue(i)))))
        {
            rows[$"{row["campaign_id"]}/{row["date_start"]}"] = row;
        }

        return rows;
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The values of a query's first column, as text.</summary>
    protected async Task<List<string?>> ExecuteScalarListAsync(string sql)
    {
        var values = new List<string?>();
        await foreach (var value in QueryAsync(sql, r => Text(r.GetValue(0))))
        {
            values.Add(value);
        }

        return values;
    }

    private async IAsyncEnumerable<T> QueryAsync<T>(string sql, Func<DbDataReader, T> read)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return read(reader);
        }
    }

    public virtual async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, ConnectionValue);
        Api.Add("120210001", "2026-01-01", "12.34", "1000", "10");
        Api.Add("120210001", "2026-01-02", "15.00", "1200", "12");
        Api.Add("120210002", "2026-01-01", "3.10", "300", "3");
        Api.Add("120210002", "2026-01-02", "0", "0", "0");
        Api.Add("120210003", "2026-01-01", "99.99", "5000", "77");
        _bed = await EngineTestBed.CreateAsync(
            Config(delete: false) + Config(delete: true, name: "meta-delete") + Config(delete: false, name: "meta-strict", strict: true) + Config(delete: true, name: "meta-guarded", maxDelete: 1));
    }

    public virtual async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await Api.DisposeAsync();
        Environment.SetEnvironmentVariable(_variable, null);
    }

    [Fact]
    public async Task FirstRun_InsertsEveryRecordAcrossPages_WithTypedColumns()
    {
        var result = await RunAsync();

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Equal((5, 0, 0, 0), Counts(result));
        Assert.Contains("5 row(s) inserted, 0 updated, 0 deleted, 0 unchanged", result.Message, StringComparison.Ordinal);
        Assert.Equal(3, Api.Requests.Count);
        var rows = await RowsAsync();
        Assert.Equal(["120210001/2026-01-01", "120210001/2026-01-02", "120210002/2026-01-01", "120210002/2026-01-02", "120210003/2026-01-01"], rows.Keys.Order(StringComparer.Ordinal));
        var first = rows["120210001/2026-01-01"];
        Assert.Equal(("12.34", "1000", "10", "Campaign 120210001"), (first["spend"], first["impressions"], first["clicks"], first["campaign_name"]));
        Assert.Equal("15", rows["120210001/2026-01-02"]["spend"]);
        Assert.NotNull(first["_synced_changed_at"]);
        var stored = await _bed.Store.GetRunAsync(result.RunId, CancellationToken.None);
        Assert.Equal(5, stored!.Summary!.Creates);
    }

    [Fact]
    public async Task SecondRun_NothingChanged_WritesNoRow()
    {
        await RunAsync();
        await StartCountingAsync();
        Api.Row("120210001", "2026-01-02")["spend"] = "15.0"; // the same number, written differently

        var second = await RunAsync();

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal((0, 0, 0, 5), Counts(second));
        Assert.Contains("up to date: nothing to change (5 row(s))", second.Message, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await WritesAsync());
        var stored = await _bed.Store.GetRunAsync(second.RunId, CancellationToken.None);
        Assert.Equal(5, stored!.Summary!.Unchanged);
    }

    [Fact]
    public async Task ThreeChangedMetrics_UpdateExactlyThreeRows()
    {
        await RunAsync();
        var before = await RowsAsync();
        await StartCountingAsync();
        Api.Row("120210001", "2026-01-01")["spend"] = "13.50";
        Api.Row("120210002", "2026-01-01")["clicks"] = "4";
        Api.Row("120210003", "2026-01-01")["impressions"] = "5100";
        _bed.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await RunAsync();

        Assert.Equal((0, 3, 0, 2), Counts(result));
        Assert.Equal((0, 3, 0), await WritesAsync());
        var rows = await RowsAsync();
        Assert.Equal("13.5", rows["120210001/2026-01-01"]["spend"]);
        Assert.Equal("4", rows["120210002/2026-01-01"]["clicks"]);
        Assert.Equal("5100", rows["120210003/2026-01-01"]["impressions"]);
        Assert.Equal(before["120210001/2026-01-02"], rows["120210001/2026-01-02"]);
        Assert.NotEqual(before["120210001/2026-01-01"]["_synced_changed_at"], rows["120210001/2026-01-01"]["_synced_changed_at"]);
        var update = Assert.Single(result.Plan!.Changes, c => c.Key == "120210001/2026-01-01");
        Assert.Equal("spend 12.34 → 13.5", Assert.Single(update.Fields!) is var f ? $"{f.Name} {f.Old} → {f.New}" : null);
    }

    [Fact]
    public async Task DeleteTrue_ARemovedRecord_DeletesOneRow()
    {
        await RunAsync("meta-delete");
        await StartCountingAsync();
        Api.Rows.Remove(Api.Row("120210002", "2026-01-01"));

        var result = await RunAsync("meta-delete");

        Assert.Equal((0, 0, 1, 4), Counts(result));
        Assert.Equal((0, 0, 1), await WritesAsync());
        Assert.DoesNotContain("120210002/2026-01-01", (await RowsAsync()).Keys);
        Assert.Equal(Syncplane.Planning.ChangeKind.Delete, Assert.Single(result.Plan!.Changes).Kind);
    }

    [Fact]
    public async Task DeleteFalse_ARemovedRecord_KeepsItsRow()
    {
        await RunAsync();
        Api.Rows.Remove(Api.Row("120210002", "2026-01-01"));

        var result = await RunAsync();

        Assert.Equal((0, 0, 0, 4), Counts(result));
        Assert.Equal(5, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task APageFailingMidRun_LeavesTheTableUnchanged()
    {
        await RunAsync("meta-delete");
        var before = await RowsAsync();
        await StartCountingAsync();
        Api.Row("120210001", "2026-01-01")["spend"] = "50"; // page 1: would be updated
        Api.Add("120210009", "2026-01-01", "1", "1", "1");   // page 3: would be inserted
        Api.FailingPage = 2;

        var result = await RunAsync("meta-delete");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("returned 500", result.Message, StringComparison.Ordinal);
        await AssertTableAsItWasAsync(before);
    }

    [Theory]
    [InlineData("missing key", "record 2 of page 1 (URL) has no field 'date_start', which 'key' names")]
    [InlineData("duplicate key", "record 1 of page 2 (URL) has the key 120210001/2026-01-01, like an earlier record")]
    [InlineData("duplicate key in key order", "record 2 of page 1 (URL) has the key 120210001/2026-01-01, like an earlier record")]
    [InlineData("number to text", "record 1 of page 3 (URL): field 'spend' is text (\"n/a\"), but column spend of ad_metrics holds numbers")]
    public async Task BadRecords_FailNamingTheRecordAndFieldAndWriteNothing(string kind, string message)
    {
        await RunAsync();
        var before = await RowsAsync();
        await StartCountingAsync();
        Api.Row("120210001", "2026-01-01")["clicks"] = "11"; // a real change on page 1, which must not be written either
        switch (kind)
        {
            case "missing key":
                Api.Rows[1].Remove("date_start");
                break;
            case "duplicate key": // after a record with a later key: found once the records are sorted
                Api.Rows[2]["campaign_id"] = "120210001";
                break;
            case "duplicate key in key order": // right after the first: found as the records arrive
                Api.Rows[1]["date_start"] = "2026-01-01";
                break;
            default:
                Api.Row("120210003", "2026-01-01")["spend"] = "n/a";
                break;
        }

        var result = await RunAsync();

        Assert.Equal(RunStatus.Failed, result.Status);
        var (where, what) = (message[..message.IndexOf(" (URL)", StringComparison.Ordinal)], message[(message.IndexOf("(URL)", StringComparison.Ordinal) + 5)..]);
        Assert.Matches($"^{Regex.Escape(where)} \\(http://127\\.0\\.0\\.1:\\d+{Regex.Escape(MetaGraphApi.Path)}\\?[^ ]+\\){Regex.Escape(what)}", result.Message);
        await AssertTableAsItWasAsync(before);
    }

    [Fact]
    public async Task ATableWithAnotherPrimaryKey_FailsNamingTheTableAndWritesNothing()
    {
        await ExecuteAsync("CREATE TABLE ad_metrics (id text PRIMARY KEY, spend numeric)");
        await ExecuteAsync("INSERT INTO ad_metrics (id, spend) VALUES ('x', 1)");

        var result = await RunAsync();

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("table ad_metrics has the primary key (id), but the records' key is (campaign_id, date_start)", result.Message, StringComparison.Ordinal);
        Assert.Equal(["x"], (await ExecuteScalarListAsync("SELECT id FROM ad_metrics")));
    }

    [Fact]
    public async Task AnExistingTable_GetsNewFieldsAsColumnsAndKeepsItsOwnColumns()
    {
        await ExecuteAsync("CREATE TABLE ad_metrics (campaign_id text, date_start date, spend numeric, note text, PRIMARY KEY (campaign_id, date_start))");
        await ExecuteAsync("INSERT INTO ad_metrics (campaign_id, date_start, spend, note) VALUES ('120210001', '2026-01-01', 12.34, 'keep me')");

        var result = await RunAsync();

        Assert.Equal((4, 1, 0, 0), Counts(result)); // the existing row lacks impressions, clicks, ...: an update
        var row = (await RowsAsync())["120210001/2026-01-01"];
        Assert.Equal(("keep me", "1000", "12.34"), (row["note"], row["impressions"], row["spend"]));
    }

    [Fact]
    public async Task ANewField_AddsAColumn_OrUnderSchemaStrictFailsWritingNothing()
    {
        await RunAsync("meta-strict"); // strict still creates a missing table
        await StartCountingAsync();
        Api.Row("120210003", "2026-01-01")["reach"] = "4200";

        var strict = await RunAsync("meta-strict");
        var evolve = await RunAsync();

        Assert.Equal(RunStatus.Failed, strict.Status);
        Assert.Contains("field 'reach' has no column in table ad_metrics, and schema: strict forbids adding one", strict.Message, StringComparison.Ordinal);
        Assert.Equal((0, 1, 0, 4), Counts(evolve));
        Assert.Equal((0, 1, 0), await WritesAsync());
        var rows = await RowsAsync();
        Assert.Equal("4200", rows["120210003/2026-01-01"]["reach"]);
        Assert.Null(rows["120210001/2026-01-01"]["reach"]);
    }

    [Fact]
    public async Task ManyRecords_ComparedInSeveralBatches_WriteOnlyTheChangedRow()
    {
        AddCampaigns(1200);

        var first = await RunAsync("meta-delete");
        await StartCountingAsync();
        Api.Row("c0999", "2026-02-01")["spend"] = "1000";
        Api.Rows.Remove(Api.Row("c0003", "2026-02-01"));
        var second = await RunAsync("meta-delete");

        Assert.Equal((1200, 0, 0, 0), Counts(first));
        Assert.Equal((0, 1, 1, 1198), Counts(second));
        Assert.Equal((0, 1, 1), await WritesAsync());
        Assert.Equal("1000", (await RowsAsync())["c0999/2026-02-01"]["spend"]);
    }

    [Fact]
    public async Task ChangedRowsComparedWhileLaterRecordsAreChecked_AndANewFieldNearTheEnd_WriteExactlyTheChangedRows()
    {
        AddCampaigns(3000);
        await RunAsync("meta-delete");
        await StartCountingAsync();
        for (var i = 0; i < 3000; i += 2)
        {
            Api.Row($"c{i:D4}", "2026-02-01")["clicks"] = "1000"; // 1,500 rows compared field by field, 500 at a time, as the records stream
        }

        Api.Row("c2999", "2026-02-01")["reach"] = "7"; // a new column planned by the checking while earlier rows are compared

        var second = await RunAsync("meta-delete");
        var third = await RunAsync("meta-delete");

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal((0, 1501, 0, 1499), Counts(second));
        Assert.Equal((0, 0, 0, 3000), Counts(third));
        Assert.Equal((0, 1501, 0), await WritesAsync());
        var rows = await RowsAsync();
        Assert.Equal(("1000", "1000", "1"), (rows["c0000/2026-02-01"]["clicks"], rows["c2998/2026-02-01"]["clicks"], rows["c0001/2026-02-01"]["clicks"]));
        Assert.Equal(("7", null), (rows["c2999/2026-02-01"]["reach"], rows["c2998/2026-02-01"]["reach"]));
    }

    [Fact]
    public async Task ManyChangedRowsFoundBeforeAPageFails_AreNotWritten_AndTheTableIsUnchanged()
    {
        AddCampaigns(3000);
        await RunAsync("meta-delete");
        var before = await RowsAsync();
        await StartCountingAsync();
        for (var i = 0; i < 1600; i++)
        {
            Api.Row($"c{i:D4}", "2026-02-01")["clicks"] = "1000"; // pages 1-4: three batches of 500 rows compared field by field
        }

        Api.FailingPage = 5;

        var result = await RunAsync("meta-delete");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("returned 500", result.Message, StringComparison.Ordinal);
        await AssertTableAsItWasAsync(before);
    }

    [Fact]
    public async Task APlanOverMaxDelete_IsRefusedAfterManyChangedRowsWereFound_AndTheTableIsUnchanged()
    {
        AddCampaigns(3000);
        await RunAsync("meta-guarded");
        var before = await RowsAsync();
        await StartCountingAsync();
        for (var i = 0; i < 1600; i++)
        {
            Api.Row($"c{i:D4}", "2026-02-01")["spend"] = "7.25";
        }

        Api.Rows.RemoveAll(r => (string?)r["campaign_id"] is "c2990" or "c2991"); // two deletes, over max_delete: 1

        var refused = await RunAsync("meta-guarded");

        Assert.Equal(RunStatus.Refused, refused.Status);
        Assert.Equal("refused by max_delete: the plan deletes 2 of 3000 row(s), over the limit of 1; nothing was written", refused.Message);
        Assert.Equal((0, 1600, 2, 1398), Counts(refused));
        await AssertTableAsItWasAsync(before);
    }

    [Fact]
    public async Task ABadRecordAfterSeveralThousandGoodOnes_FailsNamingItAndWritesNothing()
    {
        AddCampaigns(3000);
        await RunAsync("meta-delete");
        var before = await RowsAsync();
        await StartCountingAsync();
        Api.Row("c0010", "2026-02-01")["clicks"] = "1000"; // a real change well before the bad record, which must not be written either
        Api.Rows.Remove(Api.Row("c0020", "2026-02-01")); // a gone row, not deleted either
        Api.Row("c2500", "2026-02-01")["spend"] = "n/a"; // page 7, record 100 (c0020 is gone): after two batches of checked records

        var result = await RunAsync("meta-delete");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Matches("^record 100 of page 7 \\(http://127\\.0\\.0\\.1:\\d+[^ ]+\\): field 'spend' is text \\(\"n/a\"\\), but column spend of ad_metrics holds numbers", result.Message);
        await AssertTableAsItWasAsync(before);
    }

    [Fact]
    public async Task RecordsThatStopArrivingInKeyOrder_AreStillEachMatchedToTheirRow_AndOnlyGoneRowsAreDeleted()
    {
        AddCampaigns(1200);
        await RunAsync("meta-delete");
        await StartCountingAsync();
        var late = Api.Row("c0005", "2026-02-01");
        Api.Rows.Remove(late); // c0005 comes last: its row is passed while records c0006… arrive in order, yet it is not gone
        Api.Rows.Add(late);
        late["spend"] = "5000";
        Api.Rows.Remove(Api.Row("c0003", "2026-02-01"));
        Api.Row("c0999", "2026-02-01")["clicks"] = "99";
        Api.Add("c0500x", "2026-02-01", "1", "1", "1"); // new, sent last though its key sorts in the middle
        var early = Api.Row("c0001", "2026-02-01");
        Api.Rows.Remove(early);
        Api.Rows.Insert(600, early); // page 2: the first record out of key order

        var second = await RunAsync("meta-delete");
        var third = await RunAsync("meta-delete");

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal((1, 2, 1, 1197), Counts(second));
        Assert.Equal((0, 0, 0, 1200), Counts(third));
        Assert.Equal((1, 2, 1), await WritesAsync());
        var rows = await RowsAsync();
        Assert.Equal(1200, rows.Count);
        Assert.Equal(("5000", "99", "1"), (rows["c0005/2026-02-01"]["spend"], rows["c0999/2026-02-01"]["clicks"], rows["c0500x/2026-02-01"]["spend"]));
        Assert.DoesNotContain("c0003/2026-02-01", rows.Keys);
    }

    [Fact]
    public async Task PagesInReverseKeyOrder_GiveTheSameRowsAsPagesInOrder()
    {
        AddCampaigns(1200);
        Api.Rows.Reverse();
        var first = await RunAsync("meta-delete");
        await StartCountingAsync();
        Api.Row("c0999", "2026-02-01")["spend"] = "1000";
        Api.Rows.Remove(Api.Row("c0003", "2026-02-01"));
        var second = await RunAsync("meta-delete");
        Api.Rows.Reverse(); // now in key order
        var third = await RunAsync("meta-delete");

        Assert.Equal((1200, 0, 0, 0), Counts(first));
        Assert.Equal((0, 1, 1, 1198), Counts(second));
        Assert.Equal((0, 0, 0, 1199), Counts(third));
        Assert.Equal((0, 1, 1), await WritesAsync());
        Assert.Equal("1000", (await RowsAsync())["c0999/2026-02-01"]["spend"]);
    }

    [Fact]
    public async Task AKeyRepeatedAfterTheRecordsLeftKeyOrder_FailsNamingTheRecordAndWritesNothing()
    {
        AddCampaigns(1200);
        await RunAsync("meta-delete");
        var before = await RowsAsync();
        await StartCountingAsync();
        Api.Row("c0999", "2026-02-01")["spend"] = "1000";
        Api.Rows.Insert(900, (JsonObject)Api.Row("c0010", "2026-02-01").DeepClone()); // record 101 of page 3 repeats a key merged on page 1

        var result = await RunAsync("meta-delete");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Matches("^record 101 of page 3 \\(http://[^ ]+\\) has the key c0010/2026-02-01, like an earlier record", result.Message);
        await AssertTableAsItWasAsync(before);
    }

    [Fact]
    public async Task KeysThatSortDifferentlyByCollationOrUtf16_AreEachMatchedToTheirRow()
    {
        // Bytewise (UTF-8) order: "B" < "Z" < "a" < "a b" < "ab" < "e" < "é" < U+FFFD < 😀; a case-insensitive
        // collation puts "a" before "B", and UTF-16 ordinal order puts 😀 (a surrogate pair) before U+FFFD.
        await ExecuteAsync($"CREATE TABLE ad_metrics (campaign_id {CollatedText}, date_start date, PRIMARY KEY (campaign_id, date_start))");
        Api.Rows.Clear();
        foreach (var campaign in new[] { "a", "B", "é", "e", "Z", "\uFFFD", "😀", "a b", "ab" })
        {
            Api.Add(campaign, "2026-03-01", "1", "1", "1");
        }

        var first = await RunAsync("meta-delete");
        await StartCountingAsync();
        Api.Row("😀", "2026-03-01")["spend"] = "2";
        Api.Row("a", "2026-03-01")["clicks"] = "3";
        Api.Rows.Remove(Api.Row("B", "2026-03-01"));
        var second = await RunAsync("meta-delete");
        var third = await RunAsync("meta-delete");

        Assert.Equal((9, 0, 0, 0), Counts(first));
        Assert.Equal((0, 2, 1, 6), Counts(second));
        Assert.Equal((0, 0, 0, 8), Counts(third));
        Assert.Equal((0, 2, 1), await WritesAsync());
        var rows = await RowsAsync();
        Assert.Equal(("2", "3"), (rows["😀/2026-03-01"]["spend"], rows["a/2026-03-01"]["clicks"]));
        Assert.DoesNotContain("B/2026-03-01", rows.Keys);
    }

    [Fact]
    public async Task ATableWithoutTheHashColumn_GetsIt_AndItsUnchangedRowsAreNotWritten()
    {
        await RunAsync();
        await ExecuteAsync("ALTER TABLE ad_metrics DROP COLUMN _synced_hash"); // a table of an earlier version
        await StartCountingAsync();
        Api.Row("120210003", "2026-01-01")["clicks"] = "78";

        var result = await RunAsync();
        var again = await RunAsync();

        Assert.Equal((0, 1, 0, 4), Counts(result));
        Assert.Equal((0, 0, 0, 5), Counts(again));
        Assert.Equal((0, 1, 0), await WritesAsync());
        var rows = await RowsAsync();
        Assert.Equal("78", rows["120210003/2026-01-01"]["clicks"]);
        Assert.NotNull(rows["120210003/2026-01-01"]["_synced_hash"]); // written with the row
        Assert.Null(rows["120210001/2026-01-01"]["_synced_hash"]);    // unchanged rows are not written for it
    }

    [Fact]
    public async Task StoredHashesThatNoLongerMatch_AreSettledByComparingFields_WritingOnlyRealChanges()
    {
        await RunAsync();
        await ExecuteAsync("UPDATE ad_metrics SET _synced_hash = 0");
        await StartCountingAsync();
        Api.Row("120210002", "2026-01-02")["spend"] = "0.5";

        var result = await RunAsync();

        Assert.Equal((0, 1, 0, 4), Counts(result));
        Assert.Equal((0, 1, 0), await WritesAsync());
        var update = Assert.Single(result.Plan!.Changes);
        Assert.Equal("spend 0 → 0.5", Assert.Single(update.Fields!) is var f ? $"{f.Name} {f.Old} → {f.New}" : null);
        Assert.Equal("0.5", (await RowsAsync())["120210002/2026-01-02"]["spend"]);
    }

    /// <summary>Nothing written since <see cref="StartCountingAsync"/>, by the database's own count, and every row as <paramref name="before"/>.</summary>
    private async Task AssertTableAsItWasAsync(Dictionary<string, Dictionary<string, string?>> before)
    {
        Assert.Equal((0, 0, 0), await WritesAsync());
        Assert.Equal(before, await RowsAsync());
    }

    /// <summary>Replaces the rows with <paramref name="count"/> campaigns c0000… on 2026-02-01, in key order, 400 a page.</summary>
    private void AddCampaigns(int count)
    {
        Api.Rows.Clear();
        Api.Limit = 400;
        for (var i = 0; i < count; i++)
        {
            Api.Add($"c{i:D4}", "2026-02-01", $"{i}.5", $"{i * 10}", $"{i % 7}");
        }
    }

    private static (int, int, int, int) Counts(TargetRunResult result) =>
        (result.Plan!.Summary.Creates, result.Plan.Summary.Updates, result.Plan.Summary.Deletes, result.Plan.Summary.Unchanged);

    private protected Task<TargetRunResult> RunAsync(string target = "meta") =>
        new SyncRunner(_bed.Config, _bed.Store, _bed.Time, ConnectorRegistry.Default, _bed.Secrets)
            .RunAsync(_bed.Config.Targets.Single(t => t.Name == target), new RunOptions(), null, null, null, CancellationToken.None);

    private string Config(bool delete, string name = "meta", bool strict = false, int? maxDelete = null) => $$"""
        {{(name == "meta" ? "targets:\n" : "")}}  {{name}}:
            {{(maxDelete is { } limit ? $"safety: {{ max_delete: {limit} }}" : "")}}
            source:
              http:
                url: "{{Api.Url}}"
                headers: { Authorization: "Bearer test-token" }
                records: data
                key: [campaign_id, date_start]
                next: paging.next
            destination:
              sql:
                connection: "${env:{{_variable}}}"
                table: ad_metrics
                columns: { spend: numeric, impressions: integer, clicks: integer, date_start: date, date_stop: date }
                delete: {{(delete ? "true" : "false")}}
                schema: {{(strict ? "strict" : "evolve")}}

        """;
}
