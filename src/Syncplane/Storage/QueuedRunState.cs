namespace Syncplane.Storage;

/// <summary>
/// A queued run's columns that queueing sets, so that a batch can work out in memory what a run becomes after several
/// requests coalesce into it, and write it in one statement. <see cref="Coalesce"/> is the rule the store's one-request
/// <c>CoalesceAsync</c> applies in SQL: a batch and a sequence of single enqueues leave the same row.
/// </summary>
internal sealed record QueuedRunState(
    string Trigger, IReadOnlyList<string> Triggers, string Direction, bool DryRun, int Attempt, int Priority, DateTimeOffset NotBefore,
    string? TraceParent, bool Resync, string? RequeueReason, string? WaitReason, DateTimeOffset? WaitUntil)
{
    /// <summary>The run a request queues when its target has none queued.</summary>
    public static QueuedRunState Queue(RunRequest request) => new(
        request.Trigger, [request.Trigger], request.Direction, request.DryRun, 0, (int)request.Priority, request.NotBefore,
        request.TraceParent, request.Resync, null, null, null);

    /// <summary>This run after <paramref name="request"/> coalesced into it at <paramref name="now"/>; equal to it when the request changes nothing.</summary>
    public QueuedRunState Coalesce(RunRequest request, DateTimeOffset now)
    {
        // A retry waiting out its backoff is superseded: the new trigger makes a fresh run that re-reads the source.
        var supersede = Attempt > 0 && NotBefore > now;
        var sooner = supersede || request.NotBefore < NotBefore;
        var raise = supersede || (int)request.Priority > Priority;
        return this with
        {
            // The same list when the trigger is in it: record equality compares the list by reference.
            Triggers = Triggers.Contains(request.Trigger, StringComparer.Ordinal) ? Triggers : [.. Triggers, request.Trigger],
            Priority = Math.Max(Priority, (int)request.Priority),
            NotBefore = sooner ? request.NotBefore : NotBefore,
            Attempt = supersede ? 0 : Attempt,
            Trigger = raise ? request.Trigger : Trigger,
            DryRun = DryRun && request.DryRun,
            Resync = Resync || request.Resync,
            RequeueReason = raise ? null : RequeueReason,
            TraceParent = TraceParent ?? request.TraceParent,

            // A run due sooner no longer waits for what held it back.
            WaitReason = sooner ? null : WaitReason,
            WaitUntil = sooner ? null : WaitUntil,
        };
    }
}
