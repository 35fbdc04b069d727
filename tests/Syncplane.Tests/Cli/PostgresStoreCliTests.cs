using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane run --store</c> and the config's <c>store</c> key record runs in PostgreSQL instead of SQLite.</summary>
public sealed class PostgresStoreCliTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_WithStoreFromConfigSecretReference_RecordsTheRunInPostgres()
    {
        _dir.Write("src/a.txt", "a");
        _dir.Write("syncplane.yaml", """
            store: "${env:SYNCPLANE_STORE}"
            targets:
              mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
            """);

        var result = await SyncplaneCli.RunAsync(_dir.Path, new Dictionary<string, string> { ["SYNCPLANE_STORE"] = database.ConnectionString }, "run", "--ci");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.False(File.Exists(_dir.Combine(".syncplane", "syncplane.db")));
        await using var store = new PostgresSyncStore(database.ConnectionString, TimeProvider.System);
        var run = Assert.Single(await store.ListRunsAsync(new RunQuery(Target: "mirror"), CancellationToken.None));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Summary!.Creates);
    }

    [Fact]
    public async Task Run_WithStoreOption_OverridesTheDefault()
    {
        var connection = await database.CreateDatabaseAsync();
        _dir.Write("syncplane.yaml", "targets:\n  hello: { entrypoint: \"echo hello\" }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--store", connection);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotContain("Password", result.All, StringComparison.OrdinalIgnoreCase);
        await using var store = new PostgresSyncStore(connection, TimeProvider.System);
        Assert.Single(await store.ListRunsAsync(new RunQuery(Target: "hello"), CancellationToken.None));
    }
}
