using Syncplane.Access;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane token create --project</c> stores the project with the token; <c>status --project</c> shows only its targets.</summary>
public sealed class ProjectCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ProjectCommandTests() => _dir.Write("syncplane.yaml", """
        targets:
          web-site: { entrypoint: "true" }
          data-orders: { entrypoint: "true" }
        projects:
          web: { targets: ["web-*"] }
          data: { targets: [data-orders] }
        """);

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
}
