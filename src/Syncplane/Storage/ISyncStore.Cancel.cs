namespace Syncplane.Storage;

/// <summary>Cancelling runs by hand (issue 4): a queued run ends at once; a running run is flagged for its worker.</summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Cancels a run on behalf of <paramref name="requestedBy"/> (e.g. <c>token:NAME</c>): a queued run ends as
    /// cancelled now, with the message "cancelled by <paramref name="requestedBy"/>"; a running run gets a cancel
    /// request that its worker sees when it next renews the lease (<see cref="GetCancelRequestAsync"/>).
    /// </summary>
    Task<CancelOutcome> RequestCancelAsync(long runId, string requestedBy, CancellationToken cancellationToken);

    /// <summary>Who asked to cancel this running run, or null when nobody did (or it is not running).</summary>
    Task<string?> GetCancelRequestAsync(long runId, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISyncStore.RequestCancelAsync"/> did.</summary>
public enum CancelOutcome
{
    /// <summary>No run has this id.</summary>
    NotFound,

    /// <summary>The run was queued and is now cancelled.</summary>
    Cancelled,

    /// <summary>The run is running; its worker will stop it.</summary>
    Requested,

    /// <summary>The run had already finished; nothing changed.</summary>
    AlreadyFinished,
}
