using System.Diagnostics;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Telemetry;

/// <summary>
/// The <c>Syncplane</c> <see cref="ActivitySource"/>: a span per run attempt, a child span per phase, and a span per
/// webhook delivery that the runs it queued link to (see docs/observability.md).
/// </summary>
/// <remarks>Without a listener (no tracer provider, no exporter) every start returns null and costs nothing.</remarks>
public static class SyncplaneTracing
{
    /// <summary>The ActivitySource's name, for <c>AddSource</c>.</summary>
    public const string SourceName = "Syncplane";

    /// <summary>The span of one run attempt, from its gates to its verification.</summary>
    public const string RunSpan = "run";

    /// <summary>The span of one accepted webhook delivery (matching and queueing its runs).</summary>
    public const string WebhookSpan = "webhook";

    /// <summary>The run phases, each a child span of the run span, in the order they happen.</summary>
    public static class Phases
    {
        public const string Gates = "gates";
        public const string Snapshot = "snapshot";
        public const string Plan = "plan";
        public const string Apply = "apply";
        public const string Commit = "commit";
        public const string Verify = "verify";
    }

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts a run attempt's span: the root of a trace of its own when <paramref name="queued"/> (a worker runs it
    /// after whoever queued it is gone), linked to the queuing span in <paramref name="linkedTraceParent"/>.
    /// </summary>
    internal static Activity? StartRun(string target, long runId, RunOptions options, bool queued)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        if (queued)
        {
            Activity.Current = null; // whatever the worker's thread carried is not this run's parent
        }

        try
        {
            ActivityLink[] links = options.LinkedTraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var linked)
                ? [new ActivityLink(linked)]
                : [];
            var run = Source.StartActivity(ActivityKind.Internal, links: links, name: RunSpan);
            run?.SetTag("syncplane.target", target)
                .SetTag("syncplane.run.id", runId)
                .SetTag("syncplane.run.trigger", options.Trigger)
                .SetTag("syncplane.run.attempt", options.Attempt)
                .SetTag("syncplane.run.dry_run", options.DryRun);
            return run;
        }
        finally
        {
            if (queued && Activity.Current is null)
            {
                Activity.Current = previous;
            }
        }
    }

    /// <summary>Records how the attempt ended: outcome, message when it did not succeed, and the plan's counters.</summary>
    internal static void EndRun(Activity? run, RunStatus status, string message, PlanSummary? summary)
    {
        if (run is null)
        {
            return;
        }

        run.SetTag("syncplane.run.outcome", StoreText.From(status));
        if (summary is { } s)
        {
            run.SetTag("syncplane.run.creates", s.Creates)
                .SetTag("syncplane.run.updates", s.Updates)
                .SetTag("syncplane.run.deletes", s.Deletes)
                .SetTag("syncplane.run.unchanged", s.Unchanged);
        }

        if (status == RunStatus.Failed)
        {
            run.SetStatus(ActivityStatusCode.Error, message);
        }
        else if (status != RunStatus.Succeeded)
        {
            run.SetTag("syncplane.run.message", message);
        }
    }

    /// <summary>Starts a phase's span as a child of the current (run) span.</summary>
    internal static Activity? StartPhase(string phase) => Source.StartActivity(phase);

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>, to store with a run it queues; null without one.</summary>
    public static string? TraceParentOf(Activity? activity) => activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C ? id : null;
}
