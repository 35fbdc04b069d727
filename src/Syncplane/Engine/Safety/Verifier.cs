using Syncplane.Config;
using Syncplane.Engine.Process;

namespace Syncplane.Engine.Safety;

/// <summary>
/// Runs a target's <c>verification</c>: with <c>expected_min</c> the last number on stdout must be at
/// least that; with <c>expected_exit_code</c> the exit code must match. When neither is set the
/// command must exit 0; when only <c>expected_min</c> is set the exit code is not checked (a
/// <c>find … | wc -l</c> pipeline reports its count whatever <c>find</c> returned).
/// </summary>
internal sealed class Verifier(ProcessRunner runner)
{
    private const string Gate = "verification";

    /// <summary>Runs the verification command in <paramref name="workingDirectory"/>.</summary>
    public async Task<GateResult> VerifyAsync(
        VerificationConfig config,
        string workingDirectory,
        TimeSpan timeout,
        IRunLog log,
        CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(ProcessSpec.Shell(config.Command, workingDirectory, timeout), log, cancellationToken);
        if (result.TimedOut)
        {
            return GateResult.Fail(Gate, $"verification failed: the command timed out after {timeout} and was killed");
        }

        var expectedExit = config.ExpectedExitCode ?? (config.ExpectedMin is null ? 0 : null);
        if (expectedExit is { } code && result.ExitCode != code)
        {
            return GateResult.Fail(Gate, $"verification failed: exit code {result.ExitCode}, expected {code}: {result.Tail(5)}");
        }

        if (config.ExpectedMin is not { } min)
        {
            return GateResult.Pass(Gate, $"verification passed: exit code {result.ExitCode}");
        }

        if (OutputNumbers.Last(result.StandardOutput) is not { } value)
        {
            return GateResult.Fail(Gate, $"verification failed: the command printed no number, expected one ≥ {min}");
        }

        var shown = OutputNumbers.Format(value);
        return value >= min
            ? GateResult.Pass(Gate, $"verification passed: {shown} ≥ {min}")
            : GateResult.Fail(Gate, $"verification failed: {shown} < {min} (expected at least {min})");
    }
}
