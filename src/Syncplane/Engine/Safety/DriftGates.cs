using Syncplane.Config;
using Syncplane.Engine.Process;

namespace Syncplane.Engine.Safety;

/// <summary>
/// Runs seed 004's <c>drift_gates</c>: a shell command whose last number on stdout must be at least
/// <c>min_value</c> and/or at most <c>max_drift_score</c>.
/// </summary>
internal sealed class DriftGates(ProcessRunner runner)
{
    /// <summary>True when <paramref name="gate"/> applies to <paramref name="targetName"/> (no <c>targets</c> means all).</summary>
    public static bool AppliesTo(DriftGate gate, string targetName) =>
        gate.Targets.Count == 0 || gate.Targets.Any(g => g.IsMatch(targetName));

    /// <summary>
    /// Runs every gate that applies to <paramref name="targetName"/>, stopping at the first failure. On the target's
    /// <paramref name="firstSync"/> (no successful run recorded, no output there yet) a failing gate is skipped with a warning and a
    /// note instead: a gate on what the sync produces cannot pass before the sync has produced it once.
    /// </summary>
    public async Task<GateResult> RunAsync(
        IReadOnlyList<DriftGate> gates,
        string targetName,
        bool firstSync,
        string baseDirectory,
        TimeSpan timeout,
        IRunLog log,
        CancellationToken cancellationToken)
    {
        var ran = 0;
        var skipped = new List<string>();
        foreach (var gate in gates.Where(g => AppliesTo(g, targetName)))
        {
            var result = await RunOneAsync(gate, baseDirectory, timeout, log, cancellationToken);
            ran++;
            if (result.Passed)
            {
                log.Info($"{result.Gate}: {result.Message}");
            }
            else if (firstSync)
            {
                log.Warn($"{result.Gate} skipped: {result.Message}, but this is {targetName}'s first sync (no successful run of it is recorded yet)");
                skipped.Add(result.Gate);
            }
            else
            {
                return result;
            }
        }

        return skipped.Count == 0
            ? GateResult.Pass("drift gates", $"{ran} drift gates apply to {targetName} and passed")
            : GateResult.Pass("drift gates", $"{ran - skipped.Count} of {ran} drift gates passed") with { Note = $"first sync: {string.Join(", ", skipped)} skipped" };
    }

    /// <summary>Runs one gate regardless of its <c>targets</c>.</summary>
    public async Task<GateResult> RunOneAsync(DriftGate gate, string baseDirectory, TimeSpan timeout, IRunLog log, CancellationToken cancellationToken)
    {
        var name = $"drift gate '{gate.Name}'";
        var result = await runner.RunAsync(ProcessSpec.Shell(gate.Command, baseDirectory, timeout), log, cancellationToken);
        if (result.TimedOut)
        {
            return GateResult.Fail(name, $"timed out after {timeout} and was killed");
        }

        if (result.ExitCode != 0)
        {
            return GateResult.Fail(name, $"the command failed with exit code {result.ExitCode}: {result.Tail(5)}");
        }

        if (OutputNumbers.Last(result.StandardOutput) is not { } value)
        {
            return GateResult.Fail(name, "the command printed no number on stdout; a drift gate reads the last number it prints");
        }

        var shown = OutputNumbers.Format(value);
        if (gate.MinValue is { } min && value < min)
        {
            return GateResult.Fail(name, $"value {shown} is below the minimum {OutputNumbers.Format(min)}");
        }

        if (gate.MaxDriftScore is { } max && value > max)
        {
            return GateResult.Fail(name, $"drift score {shown} is above the maximum {OutputNumbers.Format(max)}");
        }

        var bounds = string.Join(", ", new[]
        {
            gate.MinValue is { } lo ? $"≥ {OutputNumbers.Format(lo)}" : null,
            gate.MaxDriftScore is { } hi ? $"≤ {OutputNumbers.Format(hi)}" : null,
        }.Where(b => b is not null));
        return GateResult.Pass(name, bounds.Length > 0 ? $"value {shown} is {bounds}" : $"value {shown} (no bounds set)");
    }
}
