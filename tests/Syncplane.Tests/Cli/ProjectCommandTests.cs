using Syncplane.Access;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane token create --project</c> stores the project with the token; <c>status --project</c> shows only its targets.</summary>
public sealed class ProjectCommandTests : IDisposable
{
    internal const string Yaml = """
        targets:
          web-site: { entrypoint: "true" }
          data-orders: { entrypoint: "true" }
        projects:
          web: { targets: ["web-*"] }
          data: { targets: [data-orders] }
        """;

    private readonly TempDirectory _dir = new();

    public ProjectCommandTests() => _dir.Write("syncplane.yaml", Yaml);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TokenCreate_WithAProject_StoresIt_AnUnknownProjectIsRefused_StatusFiltersByProject()
    {
        var created = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "web-deploy", "--role", "operator", "--project", "web");
        var unknown = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "x", "--role", "viewer", "--project", "nope");
        var status = await SyncplaneCli.RunAsync(_dir.Path, "status", "--project", "web");
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--project", "nope");

        Assert.Equal(0, created.ExitCode);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no project named 'nope' (declared: web, data)", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("web-site", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("data-orders", status.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, history.ExitCode);
        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        Assert.Equal("web", (await store.FindTokenAsync(ApiTokens.Hash(created.Stdout.Trim()), CancellationToken.None))!.Project);
    }

    [Fact]
    public Task StatusAndHistory_WithAProject_ShowOnlyItsTargetsAndRuns() => AssertStatusAndHistoryByProjectAsync(_dir);

    /// <summary>Runs both targets, then reads status and history by project (with <paramref name="store"/> as <c>--store</c>, when given).</summary>
    internal static async Task AssertStatusAndHistoryByProjectAsync(TempDirectory dir, string? store = null)
    {
        string[] storeArgs = store is null ? [] : ["--store", store];
        var run = await SyncplaneCli.RunAsync(dir.Path, ["run", "--ci", .. storeArgs]);
        Assert.True(run.ExitCode == 0, run.All);

        var webStatus = await SyncplaneCli.RunAsync(dir.Path, ["status", "--project", "web", "--json", .. storeArgs]);
        var dataHistory = await SyncplaneCli.RunAsync(dir.Path, ["history", "--project", "data", "--json", .. storeArgs]);
        var crossed = await SyncplaneCli.RunAsync(dir.Path, ["history", "--project", "web", "--target", "data-orders", "--json", .. storeArgs]);
        var all = await SyncplaneCli.RunAsync(dir.Path, ["history", "--json", .. storeArgs]);

        Assert.True(webStatus.ExitCode == 0, webStatus.All);
        Assert.Contains("web-site", webStatus.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("data-orders", webStatus.Stdout, StringComparison.Ordinal);
        Assert.Equal(["data-orders"], Targets(dataHistory.Stdout));
        Assert.Empty(Targets(crossed.Stdout)); // another project's target, named outright, is not shown
        Assert.Equal(["data-orders", "web-site"], Targets(all.Stdout).Order(StringComparer.Ordinal));
    }

    private static List<string> Targets(string historyJson) =>
        [.. System.Text.Json.JsonDocument.Parse(historyJson).RootElement.EnumerateArray().Select(r => r.GetProperty("target").GetString()!)];
}

/// <summary><c>status --project</c> and <c>history --project</c> on a PostgreSQL store.</summary>
public sealed class PostgresProjectCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task StatusAndHistory_WithAProject_ShowOnlyItsTargetsAndRuns()
    {
        _dir.Write("syncplane.yaml", ProjectCommandTests.Yaml);
        await ProjectCommandTests.AssertStatusAndHistoryByProjectAsync(_dir, await database.CreateDatabaseAsync());
        Assert.False(File.Exists(_dir.Combine(".syncplane", "syncplane.db")));
    }
}
