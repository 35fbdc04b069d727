using System.Diagnostics;
using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

public sealed class QueueCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public QueueCommandTests()
    {
        _dir.Write("src/a.txt", "a");
        _dir.Write("syncplane.yaml", """
            targets:
              mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
              broken:
                source: { directory: { path: missing } }
                destination: { directory: { path: out } }
                retry: { attempts: 1 }
              slow:
                entrypoint: "sleep 30"
              once-hangs:
                entrypoint: "if [ -f hung-once ]; then echo recovered; else touch hung-once; sleep 30; fi"
            """);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TriggerThenWorker_RunsTheQueuedRun_AndHistoryAndStatusShowIt()
    {
        var trigger = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "mirror", "--json");
        var again = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "mirror");
        var worker = await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--json");
        var status = await SyncplaneCli.RunAsync(_dir.Path, "status", "--json");

        Assert.Equal(0, trigger.ExitCode);
        var runId = JsonDocument.Parse(trigger.Stdout).RootElement.GetProperty("run_id").GetInt64();
        Assert.Contains($"coalesced into queued run {runId}", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, worker.ExitCode);
        Assert.Contains($"run {runId} mirror attempt 1: finished succeeded", worker.Stdout, StringComparison.Ordinal);
        Assert.Equal("a", File.ReadAllText(_dir.Combine("dst/a.txt")));
        var run = Assert.Single(JsonDocument.Parse(history.Stdout).RootElement.EnumerateArray());
        Assert.Equal((runId, "succeeded", "manual"), (run.GetProperty("id").GetInt64(), run.GetProperty("status").GetString(), run.GetProperty("trigger").GetString()));
        var mirror = JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().Single(t => t.GetProperty("target").GetString() == "mirror");
        Assert.Equal(1, mirror.GetProperty("total_runs").GetInt32());
        Assert.Equal(1, mirror.GetProperty("runs_with_changes").GetInt32());
        Assert.Equal(0, mirror.GetProperty("consecutive_failures").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, mirror.GetProperty("last_completed_at").ValueKind);
    }

    [Fact]
    public async Task Retry_FailedRun_QueuesANewRunThatSucceedsOnceFixed()
    {
        await SyncplaneCli.RunAsync(_dir.Path, "trigger", "broken");
        await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");
        var failed = JsonDocument.Parse((await SyncplaneCli.RunAsync(_dir.Path, "history", "--status", "failed", "--json")).Stdout).RootElement;
        var failedId = Assert.Single(failed.EnumerateArray()).GetProperty("id").GetInt64();
        _dir.Write("missing/b.txt", "b");

        var retry = await SyncplaneCli.RunAsync(_dir.Path, "retry", failedId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var worker = await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--target", "broken");

        Assert.Equal(0, retry.ExitCode);
        Assert.Contains($"retry of run {failedId} queued as run", retry.Stdout, StringComparison.Ordinal);
        Assert.Contains("finished succeeded", worker.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir.Combine("out/b.txt")));
        Assert.Contains("succeeded", history.Stdout, StringComparison.Ordinal);
        Assert.Contains("failed", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_LastCompletedIsTheLastGoodRun_LastFinishedIsAnyOutcome_AsInTheApi()
    {
        await SyncplaneCli.RunAsync(_dir.Path, "trigger", "broken");
        await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");

        var json = await SyncplaneCli.RunAsync(_dir.Path, "status", "--json");
        var table = await SyncplaneCli.RunAsync(_dir.Path, "status");

        var broken = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Single(t => t.GetProperty("target").GetString() == "broken");
        Assert.Equal(JsonValueKind.Null, broken.GetProperty("last_completed_at").ValueKind);
        Assert.Equal(JsonValueKind.String, broken.GetProperty("last_finished_at").ValueKind);
        Assert.Contains("LAST SUCCESS (UTC)", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerAndRetry_UnknownTargetOrRun_ExitTwo()
    {
        var trigger = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "nope");
        var retry = await SyncplaneCli.RunAsync(_dir.Path, "retry", "4242");

        Assert.Equal(2, trigger.ExitCode);
        Assert.Contains("no target named 'nope'", trigger.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, retry.ExitCode);
        Assert.Contains("no run has id 4242", retry.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Sigterm_ExitsGracefullyWithNoRunLeftRunning()
    {
        await SyncplaneCli.RunAsync(_dir.Path, "trigger", "mirror");
        var (exitCode, stdout) = await ServeUntilSigtermAsync("finished succeeded");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}");
        Assert.Contains("serve: stopped", stdout, StringComparison.Ordinal);
        var running = await SyncplaneCli.RunAsync(_dir.Path, "history", "--status", "running", "--json");
        Assert.Empty(JsonDocument.Parse(running.Stdout).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Serve_SigtermDuringALongRun_ReleasesItToTheQueueAndExitsZero()
    {
        var trigger = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "slow", "--json");
        var runId = JsonDocument.Parse(trigger.Stdout).RootElement.GetProperty("run_id").GetInt64();
        var (exitCode, stdout) = await ServeUntilSigtermAsync($"run {runId} slow attempt 1: started", "--shutdown-grace", "1");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}");
        Assert.Contains($"run {runId} slow attempt 1: released", stdout, StringComparison.Ordinal);
        var running = await SyncplaneCli.RunAsync(_dir.Path, "history", "--status", "running", "--json");
        Assert.Empty(JsonDocument.Parse(running.Stdout).RootElement.EnumerateArray());
        var queued = JsonDocument.Parse((await SyncplaneCli.RunAsync(_dir.Path, "history", "--status", "queued", "--json")).Stdout).RootElement;
        Assert.Equal(runId, Assert.Single(queued.EnumerateArray()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Worker_KilledMidRun_AnotherWorkerRetriesTheRunAfterTheLeaseExpires()
    {
        var trigger = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "once-hangs", "--json");
        var runId = JsonDocument.Parse(trigger.Stdout).RootElement.GetProperty("run_id").GetInt64();
        using (var doomed = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "worker", "--lease-seconds", "2"))!)
        {
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            while (!File.Exists(_dir.Combine("hung-once")) && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            doomed.Kill(entireProcessTree: true); // SIGKILL mid-run: no chance to release the lease
            await doomed.WaitForExitAsync();
        }

        var rescue = await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle", "--lease-seconds", "2");
        var run = JsonDocument.Parse((await SyncplaneCli.RunAsync(_dir.Path, "history", "--json")).Stdout).RootElement.EnumerateArray().Single();

        Assert.True(rescue.ExitCode == 0, rescue.All);
        Assert.Contains($"run {runId} once-hangs attempt 2: finished succeeded", rescue.Stdout, StringComparison.Ordinal);
        Assert.Equal((runId, "succeeded", 2), (run.GetProperty("id").GetInt64(), run.GetProperty("status").GetString(), run.GetProperty("attempt").GetInt32()));
    }

    // Starts 'serve', waits for a line containing <paramref name="waitFor"/>, sends SIGTERM and waits for the exit.
    private async Task<(int ExitCode, string Stdout)> ServeUntilSigtermAsync(string waitFor, params string[] extra)
    {
        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, ["serve", "--urls", "http://127.0.0.1:0", .. extra]))!;
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = new System.Text.StringBuilder();
        serve.OutputDataReceived += (_, e) =>
        {
            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            if (e.Data?.Contains(waitFor, StringComparison.Ordinal) == true)
            {
                seen.TrySetResult();
            }
        };
        serve.BeginOutputReadLine();
        var stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await SyncplaneCli.TerminateAsync(serve, TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }

        lock (stdout)
        {
            return (serve.ExitCode, stdout + stderr.Result);
        }
    }
}
