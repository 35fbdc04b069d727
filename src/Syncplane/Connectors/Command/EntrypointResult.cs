namespace Syncplane.Connectors.Command;

/// <summary>How a target's entrypoint run ended (one <c>results[]</c> entry of seed 004's report).</summary>
/// <param name="Success">True when the entrypoint exited 0 within its timeout.</param>
/// <param name="ExitCode">Its exit code (-1 when it could not be started).</param>
/// <param name="Message">What happened, for people: the exit and, on failure, the last stderr lines.</param>
/// <param name="OutputsCreated">Keys matching <c>outputs</c> that the run created or changed (seed 004's <c>outputs_created</c>).</param>
/// <param name="Duration">Wall time of the entrypoint, including listing its outputs before and after.</param>
/// <param name="TimedOut">True when it was killed at its timeout.</param>
internal sealed record EntrypointResult(
    bool Success,
    int ExitCode,
    string Message,
    IReadOnlyList<string> OutputsCreated,
    TimeSpan Duration,
    bool TimedOut = false)
{
    /// <summary>A run that never started.</summary>
    public static EntrypointResult NotStarted(string message) => new(false, -1, message, [], TimeSpan.Zero);
}
