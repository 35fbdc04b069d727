using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Documents;

/// <summary>
/// Events patching a sql destination end to end (docs/documents.md's sql example on a real node): signed Pub/Sub pushes
/// insert, update and delete rows of the user's table, once each, never older over newer; the full sync reconciles.
/// Run once per database: the store and the table both SQLite, then both PostgreSQL.
/// </summary>
public abstract partial class SqlEventsContract
{
    // The same value as DocumentServingContract sets: the variable is process-wide, and those tests run alongside.
    private const string Token = "push-token-5b1f0c";
    private const string Vm = "//compute.googleapis.com/projects/lz-prod/zones/europe-west1-b/instances/portal-1";
    private const string Instance = "compute.googleapis.com/Instance";
    private const string Dev = "//cloudresourcemanager.googleapis.com/projects/lz-dev";

    /// <summary>Opens the store the node runs on; null for a fresh SQLite file.</summary>
    private protected abstract Func<TimeProvider, ISyncStore>? OpenStore { get; }

    /// <summary>The destination's connection: null keeps the example's SQLite file.</summary>
    private protected abstract Task<string?> TableConnectionAsync();

    [Fact]
    public async Task SignedPushes_InsertUpdateDeleteRows_ReplayOnce_OlderIgnored_SseSeesRecordChanged_FullSyncReconciles()
    {
        await using var api = new FakeCloudAsset().WithLandingZone();
        var connection = await TableConnectionAsync();
        Environment.SetEnvironmentVariable("PUBSUB_PUSH_TOKEN", Token);
        Environment.SetEnvironmentVariable("GCP_ACCESS_TOKEN", "ya29.test-access-token");
        var yaml = DocsExample()
            .Replace("https://cloudasset.googleapis.com/v1/organizations/123456789:searchAllResources", api.Url, StringComparison.Ordinal)
            .Replace("    schedule: \"*/5 * * * *\"", "    retry: { attempts: 1 }", StringComparison.Ordinal);
        if (connection is not null)
        {
            yaml = yaml.Replace("connection: inventory.db", $"connection: \"{connection}\"", StringComparison.Ordinal);
        }

        await using var server = await TestServer.StartAsync(yaml, OpenStore, checks: false);
        Func<DbConnection> open = connection is null
            ? () => new SqliteConnection($"Data Source={server.Directory.Combine("inventory.db")};Pooling=False")
            : () => new NpgsqlConnection(connection);
        using var viewer = server.Client(ApiRole.Viewer);
        using var pubsub = server.Client();
        Assert.Equal("succeeded", (await RunAsync(server)).GetProperty("status").GetString());
        var synced = await RowsAsync(open);
        Assert.Equal(6, synced.Count);
        await using var stream = await SseClient.ConnectAsync(viewer, "/api/v1/events?type=record.changed");

        var created = AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "RUNNING", "2026-03-01T12:00:05.123456Z"), "9001");
        Assert.Equal(("created", Vm), (Text(await PostAsync(pubsub, created), "result"), Text(await PostAsync(pubsub, created, expect: "duplicate"), "key")));
        Assert.Equal("RUNNING", (await RowsAsync(open))[Vm]);
        Assert.Equal(7, (await RowsAsync(open)).Count); // the replay inserted nothing

        Assert.Equal("updated", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "STOPPED", "2026-03-01T12:10:00Z"), "9003")), "result"));
        Assert.Equal("out_of_order", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "STAGING", "2026-03-01T12:05:00Z"), "9002")), "result"));
        Assert.Equal("STOPPED", (await RowsAsync(open))[Vm]);

        // Deleted, then an older create and the delete's replay: the row stays gone.
        var deleted = AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "STOPPED", "2026-03-01T12:20:00Z", deleted: true), "9004");
        Assert.Equal("deleted", Text(await PostAsync(pubsub, deleted), "result"));
        Assert.Equal("out_of_order", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Vm, Instance, "RUNNING", "2026-03-01T12:15:00Z"), "9005")), "result"));
        Assert.Equal("duplicate", Text(await PostAsync(pubsub, deleted), "result"));
        Assert.False((await RowsAsync(open)).ContainsKey(Vm));

        var events = new List<SseEvent>();
        foreach (var change in new[] { "created", "updated", "deleted" })
        {
            var (match, before) = await stream.WaitForAsync(e => Text(e.Data, "change") == change, $"record.changed {change}");
            events.AddRange(before);
            events.Add(match);
        }

        Assert.Equal(["resource_created", "resource_updated", "resource_deleted"], events.Select(e => Text(e.Data, "event")));
        Assert.All(events, e => Assert.Equal(("lz-inventory", "assets", Vm), (e.Target, Text(e.Data, "table"), Text(e.Data, "key"))));
        Assert.Empty(stream.Drain());

        // A project deleted by an event that the source still has: the next full sync brings its row back.
        Assert.Equal("deleted", Text(await PostAsync(pubsub, AssetFeed.Push(AssetFeed.TemporalAsset(Dev, "cloudresourcemanager.googleapis.com/Project", "ACTIVE", "2026-03-01T12:30:00Z", deleted: true), "9006")), "result"));
        Assert.False((await RowsAsync(open)).ContainsKey(Dev));
        Assert.Equal("succeeded", (await RunAsync(server)).GetProperty("status").GetString());
        Assert.Equal(synced, await RowsAsync(open));
    }

    /// <summary>The YAML example of docs/documents.md whose destination is sql.</summary>
    internal static string DocsExample() =>
        YamlBlock().Matches(File.ReadAllText(RepositoryPaths.Combine("docs", "documents.md"))).Select(m => m.Groups[1].Value).Single(y => y.Contains("sql:", StringComparison.Ordinal));

    private static async Task<Dictionary<string, string?>> RowsAsync(Func<DbConnection> open)
    {
        await using var connection = open();
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT name, state FROM assets";
        var rows = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        return rows;
    }

    private static Task<JsonElement> RunAsync(TestServer server) => ApiRuns.SyncAndWaitAsync(server, "lz-inventory", TimeSpan.FromSeconds(60));

    private static async Task<JsonElement> PostAsync(HttpClient client, JsonObject push, string? expect = null)
    {
        var json = await AssetFeed.PostAcceptedAsync(client, "lz-inventory", push, Token);
        if (expect is not null)
        {
            Assert.Equal(expect, Text(json, "result"));
        }

        return json;
    }

    private static string? Text(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetString() : null;

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}

public sealed class SqliteSqlEventsTests : SqlEventsContract
{
    private protected override Func<TimeProvider, ISyncStore>? OpenStore => null;

    private protected override Task<string?> TableConnectionAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresSqlEventsTests(PostgresDatabase database) : SqlEventsContract, IClassFixture<PostgresDatabase>
{
    private protected override Func<TimeProvider, ISyncStore>? OpenStore => t => new Syncplane.Storage.Postgres.PostgresSyncStore(database.CreateSchema(), t);

    private protected override async Task<string?> TableConnectionAsync() => await database.CreateDatabaseAsync();
}
