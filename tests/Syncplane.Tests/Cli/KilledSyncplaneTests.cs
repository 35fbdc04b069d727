using System.Diagnostics;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// Issue 10: a <c>syncplane run</c>, <c>worker</c> or <c>serve</c> SIGKILLed while its target's script runs.
/// The script and what it spawned die with it (its process group's watcher; a child that left the group is
/// killed before the next run starts), and the next run never works beside the old one.
/// </summary>
public sealed class KilledSyncplaneTests : IDisposable
{
    // The first run waits (up to 20 s) for "release"; a run that finds it ends at once. Each run logs start and end.
    private const string Script = """
        echo "start $$" >> long.log
        if [ ! -f release ]; then
          sleep 300 &
          echo $! > grandchild.pid
          setsid sleep 300 &
          echo $! > daemon.pid
          echo $$ > script.pid
          i=0
          while [ ! -f release ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
        fi
        echo "end $$" >> long.log
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new();
    private readonly List<Process> _started = [];

    public KilledSyncplaneTests()
    {
        _dir.Write("long.sh", Script);
        _dir.Write("syncplane.yaml", "targets:\n  long: { entrypoint: long.sh }\n");
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task KilledRun_TakesItsScriptAlong_AndTheNextRunTakesOverAlone()
    {
        var old = await StartAndKillAsync("run", "--ci");

        var next = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(next.ExitCode == 0, next.All);
        await AssertOldRunGoneAndNoOverlapAsync(old);
        var runs = await RunsAsync();
        Assert.Equal(2, runs.Count);
        Assert.Equal(RunStatus.Failed, runs[1].Status);
        Assert.StartsWith("abandoned: the process that ran it (run:", runs[1].Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, runs[0].Status);
    }

    [Fact]
    public async Task KilledWorker_TakesItsScriptAlong_AndTheRunIsRetriedAlone()
    {
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "trigger", "long")).ExitCode);
        var old = await StartAndKillAsync("worker", "--lease-seconds", "2");

        await AssertRetriedAloneAsync(old);
    }

    [Fact]
    public async Task KilledServe_TakesItsScriptAlong_AndTheRunIsRetriedAlone()
    {
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "trigger", "long")).ExitCode);
        var old = await StartAndKillAsync("serve", "--urls", "http://127.0.0.1:0", "--lease-seconds", "2");

        await AssertRetriedAloneAsync(old);
    }

    private sealed record OldRun(int Script, int Grandchild, int Daemon);

    // Starts the command, waits for the script to be running, SIGKILLs the syncplane process (only it) and
    // checks that the script and its grandchild die with it.
    private async Task<OldRun> StartAndKillAsync(params string[] args)
    {
        var process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, args))!;
        _started.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var old = new OldRun(
            await ProcessProbe.ReadPidAsync(_dir["script.pid"], Patience),
            await ProcessProbe.ReadPidAsync(_dir["grandchild.pid"], Patience),
            await ProcessProbe.ReadPidAsync(_dir["daemon.pid"], Patience));
        Assert.True(ProcessProbe.IsRunning(old.Script) && ProcessProbe.IsRunning(old.Grandchild) && ProcessProbe.IsRunning(old.Daemon));

        process.Kill(); // SIGKILL, the syncplane process alone
        await process.WaitForExitAsync();

        Assert.Empty(await ProcessProbe.WaitUntilGoneAsync([old.Script, old.Grandchild], TimeSpan.FromSeconds(10)));
        File.WriteAllText(_dir["release"], "");
        return old;
    }

    private async Task AssertRetriedAloneAsync(OldRun old)
    {
        var next = await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle", "--lease-seconds", "2", "--idle-seconds", "0.5");

        Assert.True(next.ExitCode == 0, next.All);
        await AssertOldRunGoneAndNoOverlapAsync(old);
        var run = Assert.Single(await RunsAsync());
        Assert.True(run.Status == RunStatus.Succeeded && run.Attempt == 2, $"{run.Status} attempt {run.Attempt}: {run.Message}\n{next.All}");
    }

    // Nothing of the old run is left (the daemon that left the group was killed before the next run), and
    // the old script never wrote its end: the next run's start and end are the only ones after it.
    private async Task AssertOldRunGoneAndNoOverlapAsync(OldRun old)
    {
        Assert.Empty(await ProcessProbe.WaitUntilGoneAsync([old.Script, old.Grandchild, old.Daemon], TimeSpan.FromSeconds(5)));
        var log = File.ReadAllLines(_dir["long.log"]);
        Assert.True(log.Length == 3 && log[0] == $"start {old.Script}" && log[1].StartsWith("start ", StringComparison.Ordinal) && log[2] == "end " + log[1]["start ".Length..],
            "the old and the new run overlapped: " + string.Join(", ", log));
    }

    private async Task<IReadOnlyList<RunRecord>> RunsAsync()
    {
        await using var store = new SqliteSyncStore(_dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        return await store.ListRunsAsync(new RunQuery(Target: "long"), CancellationToken.None);
    }
}
