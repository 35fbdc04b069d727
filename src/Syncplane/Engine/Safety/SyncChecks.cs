using Syncplane.Config;
using Syncplane.Engine.Process;

namespace Syncplane.Engine.Safety;

/// <summary>
/// Runs seed 004's <c>pre_sync_checks</c> and <c>post_sync_checks</c>: each a shell command in the base
/// directory whose exit code must equal its <c>expected_exit_code</c>.
/// </summary>
internal sealed class SyncChecks(ProcessRunner runner)
{
    /// <summary>Lines of a failed check's output quoted in the failure message.</summary>
    private const int TailLines = 5;

    /// <summary>
    /// Runs <paramref name="checks"/> in order and stops at the first failure.
    /// <c>skip_on_pull</c> skips a check in pull runs, <c>skip_on_push</c> in push runs; a bidirectional
    /// run skips neither.
    /// </summary>
    /// <param name="checks">The checks, in config order.</param>
    /// <param name="phase">"pre-sync" or "post-sync", used in messages.</param>
    /// <param name="direction">The direction of the run.</param>
    /// <param name="baseDirectory">Where the commands run.</param>
    /// <param name="timeout">Time limit per check.</param>
    /// <param name="log">The run log.</param>
    /// <param name="cancellationToken">Cancels the running check (its process tree is killed).</param>
    public async Task<GateResult> RunAsync(
        IReadOnlyList<CheckCommand> checks,
        string phase,
        SyncDirection direction,
        string baseDirectory,
        TimeSpan timeout,
        IRunLog log,
        CancellationToken cancellationToken)
    {
        var ran = 0;
        foreach (var check in checks)
        {
            var gate = $"{phase} check '{check.Name}'";
            if (IsSkipped(check, direction))
            {
                log.Info($"{gate}: skipped for {direction.ToString().ToLowerInvariant()} runs");
                continue;
            }

            var result = await runner.RunAsync(ProcessSpec.Shell(check.Command, baseDirectory, timeout), log, cancellationToken);
            ran++;
            if (result.TimedOut)
            {
                return GateResult.Fail(gate, $"timed out after {timeout} and was killed");
            }

            if (result.ExitCode != check.ExpectedExitCode)
            {
                var tail = result.Tail(TailLines);
                return GateResult.Fail(gate,
                    $"exited with {result.ExitCode}, expected {check.ExpectedExitCode}" + (tail.Length > 0 ? $"; last output:\n{tail}" : ""));
            }

            log.Info($"{gate}: passed (exit code {result.ExitCode})");
        }

        return GateResult.Pass($"{phase} checks", $"{ran} of {checks.Count} checks ran and passed");
    }

    /// <summary>True when <paramref name="check"/> does not apply to runs in <paramref name="direction"/>.</summary>
    public static bool IsSkipped(CheckCommand check, SyncDirection direction) => direction switch
    {
        SyncDirection.Pull => check.SkipOnPull,
        SyncDirection.Push => check.SkipOnPush,
        _ => false,
    };
}
