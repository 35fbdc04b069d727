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
        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "serve"))!;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = new System.Text.StringBuilder();
        serve.OutputDataReceived += (_, e) =>
        {
            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            if (e.Data?.Contains("finished succeeded", StringComparison.Ordinal) == true)
            {
                finished.TrySetResult();
            }
        };
        serve.BeginOutputReadLine();
        var stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            await finished.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await serve.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }

        Assert.True(serve.ExitCode == 0, $"exit {serve.ExitCode}\n{stdout}\n{await stderr}");
        Assert.Contains("serve: stopped", stdout.ToString(), StringComparison.Ordinal);
        var running = await SyncplaneCli.RunAsync(_dir.Path, "history", "--status", "running", "--json");
        Assert.Empty(JsonDocument.Parse(running.Stdout).RootElement.EnumerateArray());
    }
}
