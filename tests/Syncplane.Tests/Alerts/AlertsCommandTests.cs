using System.Text.RegularExpressions;
using Syncplane.Alerts;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>The real <c>syncplane alerts</c> commands, as docs/alerts.md writes them, on a store with a firing alert and a failing channel.</summary>
public sealed partial class AlertsCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task DocsCommands_ListSilenceAcknowledgeAndShowHistory()
    {
        _dir.Write("syncplane.yaml", Assert.Single(AlertsConfigTests.DocsYaml()));
        var firingId = await SeedAsync();
        Assert.Equal(3, firingId);

        var commands = DocsCommands();
        Assert.Equal(4, commands.Count);
        var list = await SyncplaneCli.RunAsync(_dir.Path, [.. commands[0]]);
        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"3\s+failing\s+target lz-docs\s+firing", list.Stdout);
        Assert.Contains("channel mail: FAILING (1 failed attempt(s) in a row", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("smtp.example.com:587: connection refused", list.Stdout, StringComparison.Ordinal);

        var silence = await SyncplaneCli.RunAsync(_dir.Path, [.. commands[2]]);
        Assert.Equal(0, silence.ExitCode);
        Assert.Contains("silence 1: target=lz-* until", silence.Stdout, StringComparison.Ordinal);

        var ack = await SyncplaneCli.RunAsync(_dir.Path, [.. commands[3]]);
        Assert.Equal(0, ack.ExitCode);
        Assert.Contains("alert 3 (failing on target lz-docs) acknowledged", ack.Stdout, StringComparison.Ordinal);

        var history = await SyncplaneCli.RunAsync(_dir.Path, [.. commands[1]]);
        Assert.Equal(0, history.ExitCode);
        Assert.Matches(@"(?s)acknowledged\s+acknowledged by cli:.*firing\s+consecutive_failures >= 3", history.Stdout);
        var json = await SyncplaneCli.RunAsync(_dir.Path, "alerts", "--json");
        Assert.Contains("\"comment\": \"LZ maintenance\"", json.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_ExitsTwo_AndChangesNothing()
    {
        _dir.Write("syncplane.yaml", Assert.Single(AlertsConfigTests.DocsYaml()));
        await SeedAsync();

        var noMatcher = await SyncplaneCli.RunAsync(_dir.Path, "alerts", "silence", "--for", "2h");
        var tooLong = await SyncplaneCli.RunAsync(_dir.Path, "alerts", "silence", "--target", "x", "--for", "90d");
        var unknown = await SyncplaneCli.RunAsync(_dir.Path, "alerts", "ack", "999");
        var notFiring = await SyncplaneCli.RunAsync(_dir.Path, "alerts", "ack", "1");

        Assert.Equal((2, 2, 2, 2), (noMatcher.ExitCode, tooLong.ExitCode, unknown.ExitCode, notFiring.ExitCode));
        Assert.Contains("a silence needs at least one matcher", noMatcher.Stderr, StringComparison.Ordinal);
        Assert.Contains("within 30d", tooLong.Stderr, StringComparison.Ordinal);
        Assert.Contains("no alert has ID 999", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("is ok, not firing", notFiring.Stderr, StringComparison.Ordinal);
        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        Assert.Empty(await store.ListAlertSilencesAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None));
    }

    // Three alert states; the third fires with a mail that failed once.
    private async Task<long> SeedAsync()
    {
        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        await store.EnsureAlertStateAsync("sync-failure", "lz-docs", "target", "critical", CancellationToken.None);
        await store.EnsureAlertStateAsync("sync-latency", "lz-docs", "target", "warning", CancellationToken.None);
        var state = await store.EnsureAlertStateAsync("failing", "lz-docs", "target", "warning", CancellationToken.None);
        var notice = new AlertNotice
        {
            AlertId = state.Id, Rule = "failing", Kind = "target", Subject = "lz-docs", Transition = "firing", Severity = "warning",
            Condition = "consecutive_failures >= 3", Value = "3", At = TimeProvider.System.GetUtcNow(),
        };
        await store.TransitionAlertAsync(
            new AlertTransition(state.Id, state.Version, AlertStates.Firing, AlertTransitions.Firing, 3, true, "consecutive_failures >= 3 (now 3)",
                new Dictionary<string, string> { ["mail"] = notice.ToJson() }),
            CancellationToken.None);
        var delivery = Assert.Single(await store.ClaimAlertDeliveriesAsync("test", TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        await store.FailAlertDeliveryAsync(delivery.Id, "test", "smtp.example.com:587: connection refused", TimeProvider.System.GetUtcNow().AddMinutes(1), CancellationToken.None);
        return state.Id;
    }

    // The bash block of docs/alerts.md: one command a line, comments dropped, quotes honoured.
    private static List<List<string>> DocsCommands()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "alerts.md"));
        var block = BashBlock().Match(text).Groups[1].Value;
        return [.. block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(" #")[0].Trim())
            .Select(line => Arguments().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).Skip(1).ToList())];
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex Arguments();
}
