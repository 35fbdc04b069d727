namespace Syncplane.Storage;

/// <summary>
/// A run of the target could not start because another run of it is running (the store keeps at most one
/// running run per target, whoever starts it: <c>syncplane run</c>, a worker, another host).
/// </summary>
public sealed class TargetAlreadyRunningException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="running"/> is null when the running run ended before it could be read.</summary>
    public TargetAlreadyRunningException(string target, RunRecord? running, Exception? inner = null)
        : base(running is null
            ? $"target {target} is already running (its run ended a moment ago); try again"
            : $"target {target} is already running (run {running.Id}, started by {Engine.DirectRunOwner.Describe(running.WorkerId)}); not started", inner)
    {
        Target = target;
        Running = running;
    }

    /// <summary>The target.</summary>
    public string Target { get; }

    /// <summary>The run that holds the target, as it was read right after the refusal; null when it had already ended.</summary>
    public RunRecord? Running { get; }
}
