using Microsoft.Data.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Deploy;

/// <summary>docs/deployment.md, "Upgrades": an older Syncplane on a store a newer one migrated stops with exit 2, which systemd does not restart.</summary>
public sealed class UpgradeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Serve_OnASchemaNewerThanItKnows_RefusesWithExit2_AndAPlainMessage()
    {
        _dir.Write("syncplane.yaml", "targets:\n  docs: { entrypoint: \"true\" }\n");
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "history")).ExitCode);
        using (var connection = new SqliteConnection($"Data Source={_dir.Combine(".syncplane", "syncplane.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (999, '2030-01-01T00:00:00.0000000Z')";
            command.ExecuteNonQuery();
        }

        var serve = await SyncplaneCli.RunAsync(_dir.Path, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, serve.ExitCode);
        Assert.StartsWith("error: the database schema is at version 999, newer than this Syncplane knows", serve.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", serve.All, StringComparison.Ordinal);
        Assert.Contains("2", DeployUnits.Values("syncplane.service", "RestartPreventExitStatus"));
    }
}
