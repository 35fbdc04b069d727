using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Syncplane.Server.Api;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Server.WebhookServerKit;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Server;

/// <summary>When the store falls behind, deliveries past <c>webhooks.max_pending</c> are turned away at once with 503 and Retry-After.</summary>
public sealed class WebhookOverloadTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly byte[] Push = Fixture("github.push.with-new-branch.payload.json");

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DeliveryBeyondMaxPending_WhileTheStoreIsBlocked_Gets503WithRetryAfterAtOnce_AndLaterIsAccepted(string kind)
    {
        using var directory = new TempDirectory();
        var connectionString = kind == "postgres" ? database.CreateSchema() : null;
        var sqlitePath = directory.Combine("store.db");
        Func<TimeProvider, ISyncStore> openStore = connectionString is null ? t => new SqliteSyncStore(sqlitePath, t) : t => new PostgresSyncStore(connectionString, t);
        await using var server = await StartAsync(openStore, workers: false, yaml: Yaml.Replace("  max_body: 16KiB\n", "  max_body: 16KiB\n  max_pending: 2\n", StringComparison.Ordinal));
        using var client = server.Client();
        var intake = server.Services.GetRequiredService<WebhookIntake>();

        Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Json)> first, second;
        await using (await HoldStoreWritesAsync(connectionString, sqlitePath))
        {
            first = PostGitHubAsync(client, "push", Push, "d-1");
            second = PostGitHubAsync(client, "push", Push, "d-2");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (intake.Pending < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the first two deliveries never reached the store");
                await Task.Delay(10);
            }

            var (shed, problem) = await PostGitHubAsync(client, "push", Push, "d-3");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), shed.Headers.RetryAfter?.Delta);
            Assert.Contains("webhooks.max_pending", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.False(first.IsCompleted || second.IsCompleted);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await first).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await second).Response.StatusCode);

        // Nothing of the shed delivery was kept: sent again, it is accepted, not a duplicate.
        var (again, json) = await PostGitHubAsync(client, "push", Push, "d-3");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("d-3", json.GetProperty("delivery_id").GetString());
        Assert.Equal(0, intake.Pending);
    }

    // Another connection holds the lock the store's next delivery write needs, until disposed.
    private static async Task<IAsyncDisposable> HoldStoreWritesAsync(string? postgres, string sqlitePath)
    {
        if (postgres is not null)
        {
            var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("LOCK TABLE webhook_deliveries IN EXCLUSIVE MODE", connection, transaction);
            await command.ExecuteNonQueryAsync();
            return connection;
        }

        var sqlite = new SqliteConnection($"Data Source={sqlitePath};Pooling=False");
        await sqlite.OpenAsync();
        await using var begin = sqlite.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return sqlite;
    }
}
