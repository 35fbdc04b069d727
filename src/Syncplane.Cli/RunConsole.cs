using Syncplane.Config;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Cli;

/// <summary>
/// What <c>syncplane run</c> prints: a live progress line in a terminal, plain lines in CI or when piped.
/// </summary>
/// <param name="output">Where lines go (nowhere with <c>--json</c>, whose report goes to standard output).</param>
/// <param name="interactive">A terminal: a live progress line.</param>
/// <param name="verbose">Every log line too.</param>
/// <param name="notices">Where waits are told; standard error with <c>--json</c>, so they are seen without spoiling the report. Defaults to <paramref name="output"/>.</param>
internal sealed class RunConsole(TextWriter output, bool interactive, bool verbose, TextWriter? notices = null)
{
    private readonly Lock _gate = new();
    private string? _current;
    private bool _progressShown;

    public IProgress<int> Progress => new SyncProgress(this);

    public void Starting(TargetConfig target, bool dryRun)
    {
        _current = target.Name;
        if (!interactive)
        {
            output.WriteLine($"[{target.Name}] {(dryRun ? "planning" : "running")} ({target.Direction.ToString().ToLowerInvariant()})");
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
            output.WriteLine($"  [{_current}] {line.Level.ToString().ToLowerInvariant()}: {line.Message}");
        }
    }

    /// <summary>A run waits (a rate limit): always shown, verbose or not, so a quiet pause is never a mystery.</summary>
    public void Waiting(string message)
    {
        lock (_gate)
        {
            ClearProgress();
            (notices ?? output).WriteLine($"  [{_current}] {message}");
        }
    }

    public void Finished(TargetRunResult result, bool dryRun)
    {
        lock (_gate)
        {
            ClearProgress();
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

    public void Summary(IReadOnlyList<TargetRunResult> results, TimeSpan elapsed) =>
        output.WriteLine($"{results.Count(r => r.Success)}/{results.Count} target(s) succeeded in {elapsed.TotalSeconds:0.00}s");

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "          " + l));

    private void ShowProgress(int applied)
    {
        if (!interactive)
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
