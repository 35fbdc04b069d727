using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// Issue 10: several <c>syncplane run</c> of one target started at once. Exactly the runs that exit 0 ran,
/// one after another (the script's own start/end markers never interleave); every other one exits 4 with
/// "already running (run N, started by syncplane run pid P on HOST)" naming a run and a process of the
/// same group; no run is recorded as abandoned.
/// </summary>
public sealed partial class ConcurrentRunTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TwoRunsOfOneTargetAtOnce_TwentyTimes_NeverOverlap_AndTheLoserExits4NamingTheWinner()
    {
        // 20 pairs on 5 targets (5 pairs at a time), each pair racing for its target: before the fix, every pair overlapped.
        WriteConfig(targets: 5, seconds: "0.5");
        var outcomes = new List<Outcome>();
        for (var round = 0; round < 4; round++)
        {
            var groups = Enumerable.Range(0, 5).Select(t => StartGroup($"t{t}", 2, store: null)).ToList();
            foreach (var group in groups)
            {
                outcomes.AddRange(await group);
            }
        }

        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        await AssertExclusiveAsync(store, outcomes, targets: 5);
    }

    [Fact]
    public async Task TenRunsOfOneTargetAtOnce_OnSqlite_NeverOverlap()
    {
        WriteConfig(targets: 1, seconds: "1");
        var outcomes = await StartGroup("t0", 10, store: null);

        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        await AssertExclusiveAsync(store, outcomes, targets: 1);
    }

    [Fact]
    public async Task TenRunsOfOneTargetAtOnce_OnPostgres_NeverOverlap()
    {
        var connection = await database.CreateDatabaseAsync();
        WriteConfig(targets: 1, seconds: "1");
        var outcomes = await StartGroup("t0", 10, store: connection);

        await using var store = new PostgresSyncStore(connection, TimeProvider.System);
        await AssertExclusiveAsync(store, outcomes, targets: 1);
    }

    private sealed record Outcome(string Target, int Pid, int[] Rivals, SyncplaneCli.Result Result);

    private void WriteConfig(int targets, string seconds)
    {
        var yaml = new StringBuilder("targets:\n");
        for (var t = 0; t < targets; t++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  t{t}: {{ entrypoint: \"echo start $$ >> $SYNCPLANE_TARGET.log; sleep {seconds}; echo end $$ >> $SYNCPLANE_TARGET.log\" }}\n");
        }

        _dir.Write("syncplane.yaml", yaml.ToString());
    }

    // Starts `count` runs of one target at once; returns how each ended, with the pids of the others.
    private async Task<List<Outcome>> StartGroup(string target, int count, string? store)
    {
        string[] args = store is null ? ["run", "--ci", "--target", target] : ["run", "--ci", "--target", target, "--store", store];
        var processes = Enumerable.Range(0, count).Select(_ => Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, args))!).ToList();
        try
        {
            var pids = processes.Select(p => p.Id).ToArray();
            var results = await Task.WhenAll(processes.Select(WaitAsync));
            return [.. results.Select((r, i) => new Outcome(target, pids[i], [.. pids.Where(p => p != pids[i])], r))];
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
        }
    }

    private static async Task<SyncplaneCli.Result> WaitAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new SyncplaneCli.Result(process.ExitCode, await stdout, await stderr);
    }

    private async Task AssertExclusiveAsync(ISyncStore store, List<Outcome> outcomes, int targets)
    {
        var runs = await store.ListRunsAsync(new RunQuery(Limit: 10_000), CancellationToken.None);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status)); // none failed: no false "abandoned", no second run
        foreach (var outcome in outcomes)
        {
            Assert.True(outcome.Result.ExitCode is 0 or 4, $"pid {outcome.Pid} exited {outcome.Result.ExitCode}: {outcome.Result.All}");
            if (outcome.Result.ExitCode == 4)
            {
                var busy = BusyLine().Match(outcome.Result.Stdout);
                Assert.True(busy.Success, outcome.Result.All);
                Assert.Equal(outcome.Target, busy.Groups["target"].Value);
                Assert.Contains(runs, r => r.Id == long.Parse(busy.Groups["run"].Value, CultureInfo.InvariantCulture) && r.Target == outcome.Target);
                Assert.Contains(int.Parse(busy.Groups["pid"].Value, CultureInfo.InvariantCulture), outcome.Rivals);
                Assert.Equal(Environment.MachineName, busy.Groups["host"].Value);
            }
        }

        for (var t = 0; t < targets; t++)
        {
            var target = $"t{t}";
            var ran = outcomes.Where(o => o.Target == target && o.Result.ExitCode == 0).Select(o => o.Pid).ToList();
            Assert.Equal(ran.Count, runs.Count(r => r.Target == target));
            AssertNoOverlap(File.ReadAllLines(_dir.Combine(target + ".log")), ran.Count, target);
        }

        // The race was real: some runs found their target busy.
        Assert.Contains(outcomes, o => o.Result.ExitCode == 4);
    }

    // Runs of one target one after another: "start P", "end P" pairs, never interleaved.
    private static void AssertNoOverlap(string[] lines, int runs, string target)
    {
        Assert.True(lines.Length == 2 * runs, $"{target}: {runs} runs exited 0 but the script logged {string.Join(", ", lines)}");
        for (var i = 0; i < lines.Length; i += 2)
        {
            Assert.True(lines[i].StartsWith("start ", StringComparison.Ordinal) && lines[i + 1] == "end " + lines[i]["start ".Length..],
                $"{target} ran twice at once: {string.Join(", ", lines)}");
        }
    }

    [GeneratedRegex(@"BUSY +(?<target>\S+) .*already running \(run (?<run>\d+), started by syncplane run pid (?<pid>\d+) on (?<host>[^)]+)\); not started")]
    private static partial Regex BusyLine();
}
