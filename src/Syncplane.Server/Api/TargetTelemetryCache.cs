using Syncplane.Config;
using Syncplane.Operations;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>
/// What a targets request would otherwise read from the store each time — every target's state, derived from its
/// runs, and its last fired schedule slot — kept between requests while the store's event log has not moved.
/// </summary>
/// <remarks>
/// Every change these figures follow (a run queued, started, ended, requeued or held; a pause, resume or frequency
/// change) appends an event in the transaction that makes it, on any node, so <see cref="ISyncStore.EventLogVersion"/>
/// moving is the invalidation. A snapshot also ends when a status it holds turns with the clock (a waiting run's
/// wait runs out). One reload at a time: requests that find the snapshot stale share the next one, and each gets
/// a snapshot read after it arrived. What depends on the moment of the request (next run, a document's age) is
/// computed per request from the snapshot.
/// </remarks>
internal sealed class TargetTelemetryCache(ServerContext context)
{
    private readonly Lock _gate = new();
    private Snapshot? _current;
    private Task<Snapshot>? _loading;

    /// <summary>One target's telemetry, as <see cref="TargetTelemetry.ListAsync"/> gives it.</summary>
    public async Task<TargetTelemetry> OneAsync(TargetConfig target, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        return await TargetTelemetry.WithDocumentAsync(snapshot.Of(context, target), target, context.Store, context.Time, cancellationToken);
    }

    /// <summary>The telemetry of <paramref name="targets"/>, in their order.</summary>
    public async Task<IReadOnlyList<TargetTelemetry>> ListAsync(IReadOnlyList<TargetConfig> targets, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        var telemetry = new TargetTelemetry[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            telemetry[i] = await TargetTelemetry.WithDocumentAsync(snapshot.Of(context, targets[i]), targets[i], context.Store, context.Time, cancellationToken);
        }

        return telemetry;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var version = context.Store.EventLogVersion;
            Task<Snapshot> loading;
            lock (_gate)
            {
                if (_current is { } current && current.Version >= version && context.Time.GetUtcNow() < current.ValidUntil)
                {
                    return current;
                }

                // Never inline: the load clears _loading when it ends, which must come after this assignment.
                loading = _loading ??= Task.Run(LoadAsync, CancellationToken.None);
            }

            var snapshot = await loading.WaitAsync(cancellationToken);
            if (snapshot.Version >= version)
            {
                return snapshot;
            }

            // That load began before this request saw the log move: the next one reads what moved it.
        }
    }

    private async Task<Snapshot> LoadAsync()
    {
        try
        {
            // Read before the store: a change committed during the reads moves the version past this snapshot's.
            var version = context.Store.EventLogVersion;
            var states = await context.Store.ListTargetStatesAsync(CancellationToken.None);
            var fired = await context.Store.GetLastFiringsAsync(CancellationToken.None);
            var validUntil = states.Select(s => s.Current is { Status: "waiting", WaitUntil: { } until } ? until : DateTimeOffset.MaxValue)
                .DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            var snapshot = new Snapshot(version, states.ToDictionary(s => s.Target, StringComparer.Ordinal), fired, validUntil);
            lock (_gate)
            {
                _current = snapshot;
            }

            return snapshot;
        }
        finally
        {
            lock (_gate)
            {
                _loading = null;
            }
        }
    }

    private sealed record Snapshot(
        long Version, Dictionary<string, TargetState> States, IReadOnlyDictionary<string, DateTimeOffset> Fired, DateTimeOffset ValidUntil)
    {
        public TargetTelemetry Of(ServerContext context, TargetConfig target) => TargetTelemetry.Of(
            context.Config, target, States.GetValueOrDefault(target.Name), Fired.TryGetValue(target.Name, out var slot) ? slot : null, context.Time.GetUtcNow());
    }
}
