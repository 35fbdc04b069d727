using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Documents;

/// <summary>
/// How fresh a served document is (seed 001 §7, last known good): when its last full sync was written, its age, whether
/// that is older than the target's <c>ttl</c>, and the error of the latest run when that run failed or was refused after it.
/// </summary>
/// <param name="Name">The document's name.</param>
/// <param name="Target">The target that feeds it.</param>
/// <param name="SyncedAt">When its last full sync was written; null before the first one.</param>
/// <param name="UpdatedAt">When it last changed, by a full sync or an event.</param>
/// <param name="AgeSeconds">Whole seconds since <paramref name="SyncedAt"/>.</param>
/// <param name="TtlSeconds">The target's <c>ttl</c>.</param>
/// <param name="Stale">True when there is no full sync yet or the last one is older than the ttl.</param>
/// <param name="LastError">The latest run's error, when it failed or was refused (so after the last good sync); the last good document is still served.</param>
/// <param name="Revision">The source revision of the last full sync.</param>
/// <param name="Counts">Records per group.</param>
public sealed record DocumentStatus(
    string Name, string Target, DateTimeOffset? SyncedAt, DateTimeOffset? UpdatedAt, long? AgeSeconds, long TtlSeconds, bool Stale,
    DocumentError? LastError, string? Revision, IReadOnlyDictionary<string, int> Counts)
{
    /// <summary>The status of one document, from what the store holds and the clock.</summary>
    public static async Task<DocumentStatus> OfAsync(SyncplaneConfig config, string name, ISyncStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var declared = DocumentTarget.Find(config, name) ?? throw new KeyNotFoundException($"no document named '{name}' is declared in the config");
        var stored = await store.GetDocumentAsync(name, cancellationToken);
        return await OfAsync(declared, stored, store, time, cancellationToken);
    }

    internal static async Task<DocumentStatus> OfAsync(DocumentTarget declared, StoredDocument? stored, ISyncStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var age = stored is null ? (TimeSpan?)null : now - stored.SyncedAt;
        return new DocumentStatus(
            declared.Name,
            declared.Target,
            stored?.SyncedAt,
            stored?.UpdatedAt,
            age is { } a ? (long)Math.Max(0, Math.Floor(a.TotalSeconds)) : null,
            (long)declared.Options.Ttl.TotalSeconds,
            age is not { } known || known > declared.Options.Ttl,
            await LastErrorAsync(declared.Target, store, cancellationToken),
            stored?.Revision,
            stored?.Counts ?? declared.Options.GroupNames.ToDictionary(g => g, _ => 0, StringComparer.Ordinal));
    }

    // The latest finished real run decides: failed or refused, it came after the sync that wrote the document (a success), so its
    // error is shown; a success clears it.
    private static async Task<DocumentError?> LastErrorAsync(string target, ISyncStore store, CancellationToken cancellationToken)
    {
        var runs = await store.ListRunsAsync(new RunQuery(Target: target, Limit: 20), cancellationToken);
        var latest = runs.FirstOrDefault(r => !r.DryRun && r.FinishedAt is not null && r.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Refused);
        return latest is { Status: RunStatus.Failed or RunStatus.Refused, FinishedAt: { } at }
            ? new DocumentError(latest.Id, StoreText.From(latest.Status), latest.Message ?? "", at)
            : null;
    }
}

/// <summary>The run whose failure (or refusal) left the last good document in place.</summary>
public sealed record DocumentError(long RunId, string Status, string Message, DateTimeOffset At);
