using Syncplane.Access;

namespace Syncplane.Storage;

/// <summary>API tokens, the audit log, webhook delivery ids and event-log cursors (issue 4).</summary>
public partial interface ISyncStore
{
    /// <summary>Stores a token's hash under a unique name; <paramref name="project"/> scopes it to one project (null: global).</summary>
    /// <exception cref="InvalidOperationException">A token with this name exists.</exception>
    Task<ApiTokenRecord> CreateTokenAsync(string name, ApiRole role, string hash, CancellationToken cancellationToken, string? project = null);

    /// <summary>The token with this hash, unless revoked; null otherwise.</summary>
    Task<ApiTokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Every token (hashes included, for the caller to leave out), oldest first.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a token by name; false when no live token has that name.</summary>
    Task<bool> RevokeTokenAsync(string name, CancellationToken cancellationToken);

    /// <summary>Records who did what, now.</summary>
    Task<AuditRecord> AppendAuditAsync(string actor, string action, string? subject, string detailsJson, CancellationToken cancellationToken);

    /// <summary>Audit records newest first, below <paramref name="beforeId"/> when given.</summary>
    Task<IReadOnlyList<AuditRecord>> ListAuditAsync(long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>Remembers a provider's delivery id; false when it was seen before (a redelivery).</summary>
    Task<bool> RecordDeliveryAsync(string provider, string deliveryId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes in an accepted webhook delivery in one transaction: remembers its delivery id (when it has one),
    /// appends <paramref name="received"/> and queues (or coalesces) <paramref name="runs"/>. Null, with nothing
    /// changed, when the delivery id was seen before (a redelivery).
    /// </summary>
    Task<IReadOnlyList<EnqueueResult>?> AcceptDeliveryAsync(
        string provider, string? deliveryId, Events.NewEvent received, IReadOnlyList<RunRequest> runs, CancellationToken cancellationToken);

    /// <summary>A consumer's position in the event log, or null when it has none yet.</summary>
    Task<long?> GetCursorAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores a consumer's position in the event log.</summary>
    Task SetCursorAsync(string name, long position, CancellationToken cancellationToken);
}

/// <summary>A stored API token (its hash, never the token).</summary>
/// <param name="Project">The project the token is scoped to; null for a global token (see docs/projects.md).</param>
public sealed record ApiTokenRecord(long Id, string Name, ApiRole Role, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? Project = null);

/// <summary>One audited action.</summary>
/// <param name="Actor">Who: <c>token:NAME</c>, <c>cli:USER</c>, <c>anonymous</c>.</param>
/// <param name="Action">What: <c>run.trigger</c>, <c>run.retry</c>, <c>run.cancel</c>, <c>target.frequency</c>, …</param>
/// <param name="Subject">On what: a target or run.</param>
/// <param name="Details">A JSON object with the request's particulars.</param>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Action, string? Subject, string Details);
