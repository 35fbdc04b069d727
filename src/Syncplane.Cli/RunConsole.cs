using Syncplane.Config;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Cli;

/// <summary>
/// What <c>syncplane run</c> prints: a live progress line in a terminal, plain lines in CI or when piped,
/// one JSON object per line with <c>--log-format json</c> (see <see cref="LogOutput"/>).
/// </summary>
/// <param name="output">Where lines go (nowhere with <c>--json</c>, whose report goes to standard output).</param>
/// <param name="interactive">A terminal: a live progress line (never with JSON logs).</param>
/// <param name="verbose">Every log line too.</param>
/// <param name="notices">Where waits are told; standard error with <c>--json</c>, so they are seen without spoiling the report. Defaults to <paramref name="output"/>.</param>
/// <param name="time">The clock that stamps JSON lines.</param>
internal sealed class RunConsole(TextWriter output, bool interactive, bool verbose, TimeProvider time, TextWriter? notices = null)
{
    private readonly bool _interactive = interactive && !LogOutput.Json;
    private readonly Lock _gate = new();
    private string? _current;
    private bool _progressShown;

    public IProgress<int> Progress => new SyncProgress(this);

    public void Starting(TargetConfig target, bool dryRun)
    {
        _current = target.Name;
        if (!_interactive)
        {
            var direction = target.Direction.ToString().ToLowerInvariant();
            var doing = dryRun ? "planning" : "running";
            LogOutput.Write(output, $"[{target.Name}] {doing} ({direction})", time.GetUtcNow(), "info", doing, ("target", target.Name), ("direction", direction), ("dry_run", dryRun));
        }
    }

    public void Log(LogLine line)
    {
        if (!verbose)
        {
            return;
        }

        lock (_gate)
        {
            ClearProgress();
            var level = line.Level.ToString().ToLowerInvariant();
            LogOutput.Write(output, $"  [{_current}] {level}: {line.Message}", line.At, level, line.Message, ("target", _current));
        }
    }

    /// <summary>A run waits (a rate limit): always shown, verbose or not, so a quiet pause is never a mystery.</summary>
    public void Waiting(string message)
    {
        lock (_gate)
        {
            ClearProgress();
            LogOutput.Write(notices ?? output, $"  [{_current}] {message}", time.GetUtcNow(), "warning", message, ("target", _current));
        }
    }

    public void Finished(TargetRunResult result, bool dryRun)
    {
        lock (_gate)
        {
            ClearProgress();
            if (LogOutput.Json)
            {
                LogOutput.Write(output, "", time.GetUtcNow(), Level(result), result.Message, Fields(result));
                return;
            }

            var mark = result.AlreadyRunning ? "BUSY" : result.Status switch
            {
                RunStatus.Succeeded => "ok",
                RunStatus.Refused => "REFUSED",
                RunStatus.Cancelled => "CANCELLED",
                _ => "FAILED",
            };
            output.WriteLine($"{mark,-9} {result.Target} ({result.Duration.TotalSeconds:0.00}s): {result.Message}");
            if (dryRun && result.Plan is { IsEmpty: false } plan)
            {
                output.WriteLine(Indent(PlanFormatter.ToText(plan)));
            }

            if (result.VerificationPassed is { } passed)
            {
                output.WriteLine($"          verification {(passed ? "passed" : "FAILED")}");
            }
        }
    }

    public void Summary(IReadOnlyList<TargetRunResult> results, TimeSpan elapsed)
    {
        var line = $"{results.Count(r => r.Success)}/{results.Count} target(s) succeeded in {elapsed.TotalSeconds:0.00}s";
        LogOutput.Write(output, line, time.GetUtcNow(), results.All(r => r.Success) ? "info" : "error", line,
            ("succeeded", results.Count(r => r.Success)), ("total", results.Count), ("duration_s", Math.Round(elapsed.TotalSeconds, 3)));
    }

    private static string Level(TargetRunResult result) => result.Status switch
    {
        RunStatus.Succeeded => "info",
        RunStatus.Failed when !result.AlreadyRunning => "error",
        _ => "warning",
    };

    /// <summary>The JSON line of a finished target: what the text line and its plan and verification lines say.</summary>
    private static (string, object?)[] Fields(TargetRunResult result) =>
    [
        ("target", result.Target),
        ("run_id", result.RunId == 0 ? null : result.RunId),
        ("status", result.AlreadyRunning ? "busy" : result.Status.ToString().ToLowerInvariant()),
        ("duration_s", Math.Round(result.Duration.TotalSeconds, 3)),
        ("created", result.Plan?.Summary.Creates),
        ("updated", result.Plan?.Summary.Updates),
        ("deleted", result.Plan?.Summary.Deletes),
        ("verification_passed", result.VerificationPassed),
    ];

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "          " + l));

    private void ShowProgress(int applied)
    {
        if (!_interactive)
        {
            return;
        }

        lock (_gate)
        {
            output.Write($"\r  {_current}: {applied} change(s) applied ");
            _progressShown = true;
        }
    }

    private void ClearProgress()
    {
        if (_progressShown)
        {
            output.Write("\r\u001b[2K");
            _progressShown = false;
        }
    }

    private sealed class SyncProgress(RunConsole console) : IProgress<int>
    {
        public void Report(int value) => console.ShowProgress(value);
    }
}
