using System.Text.Json;
using Syncplane.Access;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane token create|list|revoke</c>, and the audit records the CLI's manual actions leave.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TokenCommandTests() => _dir.Write("syncplane.yaml", "targets:\n  docs: { entrypoint: \"true\" }\n");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Create_PrintsTheTokenOnce_StoresOnlyItsHash_ListShowsNoSecret_RevokeMarksIt()
    {
        var created = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "ci", "--role", "operator");
        var token = created.Stdout.Trim();
        var duplicate = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "ci", "--role", "viewer");
        var badRole = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "x", "--role", "root");
        var listed = await SyncplaneCli.RunAsync(_dir.Path, "token", "list", "--json");
        var revoked = await SyncplaneCli.RunAsync(_dir.Path, "token", "revoke", "--name", "ci");
        var after = await SyncplaneCli.RunAsync(_dir.Path, "token", "list", "--json");

        Assert.Equal(0, created.ExitCode);
        Assert.StartsWith(ApiTokens.Prefix, token, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer", created.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.NotEqual(0, badRole.ExitCode);
        Assert.Equal(0, revoked.ExitCode);
        Assert.DoesNotContain(token, listed.All, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiTokens.Hash(token), listed.All, StringComparison.Ordinal);
        var row = Assert.Single(JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray());
        Assert.Equal(("ci", "operator"), (row.GetProperty("name").GetString(), row.GetProperty("role").GetString()));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("revoked_at").ValueKind);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(after.Stdout).RootElement[0].GetProperty("revoked_at").ValueKind);

        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        Assert.Null(await store.FindTokenAsync(ApiTokens.Hash(token), CancellationToken.None));
    }

    [Fact]
    public async Task TriggerAndFrequency_FromTheCli_AreAuditedAsTheUser()
    {
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "trigger", "docs")).ExitCode);
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "frequency", "docs", "hourly")).ExitCode);

        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        var audit = await store.ListAuditAsync(null, 10, CancellationToken.None);
        Assert.Equal(["target.frequency", "run.trigger"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(("cli:" + Environment.UserName, "docs"), (a.Actor, a.Subject)));
    }
}
