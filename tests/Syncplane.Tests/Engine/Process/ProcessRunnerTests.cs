using Syncplane.Engine;
using Syncplane.Engine.Process;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Process;

public sealed class ProcessRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestRunLog _log = new();
    private readonly ProcessRunner _runner = new(TimeProvider.System);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_ShellCommand_CapturesOutputAndStreamsLinesToLog()
    {
        var result = await Run("echo one; echo two; echo oops >&2; exit 3");

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal("one\ntwo\n", result.StandardOutput);
        Assert.Equal("oops\n", result.StandardError);
        Assert.Contains((LogLevel.Info, "one"), _log.Lines);
        Assert.Contains((LogLevel.Info, "two"), _log.Lines);
        Assert.Contains((LogLevel.Warning, "oops"), _log.Lines);
        Assert.Equal("$ echo one; echo two; echo oops >&2; exit 3", _log.Lines[0].Message);
    }

    [Fact]
    public async Task RunAsync_ManyLines_LogsUpToTheCapButCapturesAll()
    {
        var spec = ProcessSpec.Shell("seq 1 50", _dir.Path, TimeSpan.FromSeconds(30)) with { MaxLoggedLines = 10 };

        var result = await _runner.RunAsync(spec, _log, CancellationToken.None);

        Assert.Equal(50, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "… 40 more lines not shown in the log"], _log.Lines.Skip(1).Select(l => l.Message));
    }

    [Fact]
    public async Task RunAsync_WorkingDirectory_RunsThere()
    {
        var result = await Run("pwd");

        Assert.Equal(Path.GetFullPath(_dir.Path), result.StandardOutput.Trim());
    }

    [Fact]
    public async Task RunAsync_Environment_SetsAndRemovesVariables()
    {
        Environment.SetEnvironmentVariable("SYNCPLANE_TEST_INHERITED", "inherited");
        var spec = ProcessSpec.Shell("echo \"[$SYNCPLANE_TEST_SET][${SYNCPLANE_TEST_INHERITED-unset}]\"", _dir.Path, TimeSpan.FromSeconds(30)) with
        {
            Environment = new Dictionary<string, string?> { ["SYNCPLANE_TEST_SET"] = "set", ["SYNCPLANE_TEST_INHERITED"] = null },
        };

        var result = await _runner.RunAsync(spec, _log, CancellationToken.None);

        Assert.Equal("[set][unset]", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task RunAsync_Display_LogsDisplayInsteadOfArguments()
    {
        var spec = new ProcessSpec("/bin/echo", ["https://user:hunter2@example.com/x"], _dir.Path, new Dictionary<string, string?>(), TimeSpan.FromSeconds(30))
        {
            Display = "echo https://example.com/x",
        };

        await _runner.RunAsync(spec, _log, CancellationToken.None);

        Assert.Equal("$ echo https://example.com/x", _log.Lines[0].Message);
        Assert.DoesNotContain(_log.Lines.Take(1), l => l.Message.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void Format_ArgumentsWithSpacesAndQuotes_QuotesThemForAShell()
    {
        Assert.Equal("git commit -m 'it'\\''s done' ''", ProcessSpec.Format("git", ["commit", "-m", "it's done", ""]));
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsTheWholeProcessTree()
    {
        var pidFile = _dir["child.pid"];

        var result = await Run($"sleep 60 & echo $! > '{pidFile}'; wait", TimeSpan.FromSeconds(2));

        Assert.True(result.TimedOut);
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(result.Duration < TimeSpan.FromSeconds(20), $"took {result.Duration}");
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("timeout", StringComparison.Ordinal));
        await AssertProcessGoneAsync(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsTreeAndThrows()
    {
        var pidFile = _dir["child.pid"];
        using var cts = new CancellationTokenSource();
        var run = Run($"sleep 60 & echo $! > '{pidFile}'; wait", TimeSpan.FromMinutes(5), cts.Token);
        await WaitForFileAsync(pidFile);

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains(_log.Lines, l => l.Message.Contains("cancelled", StringComparison.Ordinal));
        await AssertProcessGoneAsync(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_MissingProgram_ThrowsProcessStartExceptionNamingIt()
    {
        var spec = new ProcessSpec("/nonexistent/tool", [], _dir.Path, new Dictionary<string, string?>(), TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<ProcessStartException>(() => _runner.RunAsync(spec, _log, CancellationToken.None));

        Assert.Contains("/nonexistent/tool", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProgramWaitingForInput_GetsEndOfFileInsteadOfHanging()
    {
        var result = await Run("read line; echo \"read:$?\"", TimeSpan.FromSeconds(20));

        Assert.False(result.TimedOut);
        Assert.Equal("read:1", result.StandardOutput.Trim());
    }

    private Task<ProcessResult> Run(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(ProcessSpec.Shell(command, _dir.Path, timeout ?? TimeSpan.FromSeconds(30)), _log, cancellationToken);

    private static async Task WaitForFileAsync(string path)
    {
        for (var i = 0; i < 200 && !(File.Exists(path) && new FileInfo(path).Length > 0); i++)
        {
            await Task.Delay(25);
        }
    }

    /// <summary>Gone, or a zombie waiting for a reaper (PID 1 in a container may not reap): either way, not running.</summary>
    private static async Task AssertProcessGoneAsync(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat))
            {
                return;
            }

            try
            {
                var text = File.ReadAllText(stat);
                if (text[(text.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"process {pid} is still running");
    }
}
