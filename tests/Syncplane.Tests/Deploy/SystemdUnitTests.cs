using System.Diagnostics;
using System.Globalization;
using System.Text;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Deploy;

/// <summary>deploy/'s units pass systemd's own checks, and each one starts a command the real CLI runs.</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SystemdAnalyzeVerify_AsTheIssueRunsIt_IsClean()
    {
        var result = await ExternalTool.RunAsync("bash", RepositoryPaths.Root, "-c", "systemd-analyze verify deploy/*.service deploy/*.timer");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotContain(result.All.Split('\n'), line => line.Contains("syncplane", StringComparison.Ordinal));
        Assert.Equal(
            ["syncplane-check.service", "syncplane-run.service", "syncplane-worker.service", "syncplane.service"],
            DeployUnits.Services);
    }

    [Fact]
    public async Task SystemdAnalyzeSecurity_RatesEveryServiceOk()
    {
        foreach (var unit in DeployUnits.Services)
        {
            // The threshold is on the 0-100 scale: 19 is an exposure of 1.9, the top of systemd's "OK".
            var result = await ExternalTool.RunAsync(
                "systemd-analyze", DeployUnits.Directory, "security", "--offline=true", "--threshold=19", "--no-pager", unit);

            Assert.True(result.ExitCode == 0, $"{unit}: {result.All}");
        }
    }

    [Fact]
    public void EveryService_RunsAsSyncplane_WithItsStateAndSecretsWhereTheDocsSay()
    {
        foreach (var unit in DeployUnits.Services)
        {
            Assert.Equal(["syncplane"], DeployUnits.Values(unit, "User"));
            Assert.Equal(["syncplane"], DeployUnits.Values(unit, "StateDirectory"));
            Assert.Equal(["/var/lib/syncplane"], DeployUnits.Values(unit, "WorkingDirectory"));
            Assert.Equal(["-/etc/syncplane/syncplane.env"], DeployUnits.Values(unit, "EnvironmentFile"));
            Assert.Equal(["mixed"], DeployUnits.Values(unit, "KillMode"));
            Assert.Equal(["@system-service"], DeployUnits.Values(unit, "SystemCallFilter"));
            Assert.Equal([string.Empty], DeployUnits.Values(unit, "CapabilityBoundingSet"));
            Assert.Empty(DeployUnits.Values(unit, "MemoryDenyWriteExecute"));
        }
    }

    [Fact]
    public async Task CheckAndRunUnits_RunTheirCommand_Successfully()
    {
        var config = WriteConfig();

        var check = await SyncplaneCli.RunAsync(_dir.Path, DeployUnits.WithConfig(DeployUnits.SyncplaneArguments("syncplane-check.service"), config));
        var run = await SyncplaneCli.RunAsync(_dir.Path, DeployUnits.WithConfig(DeployUnits.SyncplaneArguments("syncplane-run.service"), config));

        Assert.True(check.ExitCode == 0, check.All);
        Assert.Contains("Overall: HEALTHY", check.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir.Combine("state", "status.json")));
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("ok\n", File.ReadAllText(_dir.Combine("out.txt")));
    }

    [Theory]
    [InlineData("syncplane.service", "serve: stopped")]
    [InlineData("syncplane-worker.service", "worker: stopped")]
    public async Task LongRunningUnits_StartTheirCommand_AndStopOnSigtermWithinTimeoutStopSec(string unit, string stopped)
    {
        var config = WriteConfig();
        // Port 8470 may be taken on a test machine; the unit's other arguments are used as they are.
        var arguments = DeployUnits.WithConfig(DeployUnits.SyncplaneArguments(unit), config)
            .Select(a => a == "http://127.0.0.1:8470" ? "http://127.0.0.1:0" : a).ToArray();
        var stopLimit = TimeSpan.FromSeconds(int.Parse(Assert.Single(DeployUnits.Values(unit, "TimeoutStopSec")).TrimEnd('s'), CultureInfo.InvariantCulture));

        using var process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, arguments))!;
        var output = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains(" started with concurrency ", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var clock = Stopwatch.StartNew();
            await SyncplaneCli.TerminateAsync(process, stopLimit);

            Assert.True(clock.Elapsed < stopLimit, $"stopped after {clock.Elapsed}, systemd kills at {stopLimit}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.WaitForExit();
        lock (output)
        {
            Assert.True(process.ExitCode == 0, output.ToString());
            Assert.Contains(stopped, output.ToString(), StringComparison.Ordinal);
        }
    }

    private string WriteConfig() => _dir.Write("syncplane.yaml", $$"""
        version: 1
        state_dir: {{_dir.Combine("state")}}
        targets:
          script:
            entrypoint: "sh -c 'echo ok > {{_dir.Combine("out.txt")}}'"
        checks:
          store-dir: { command: "test -d {{_dir.Combine("state")}}" }
        """);
}
