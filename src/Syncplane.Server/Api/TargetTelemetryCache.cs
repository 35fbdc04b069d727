using System.Collections.Concurrent;
using System.Text.Json;
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
/// computed per request from the snapshot. <see cref="JsonAsync"/> also keeps each target's serialized answer
/// while the inputs it was made from are equal: its state, its last slot, and the moment (its next run, at most a
/// second ahead) until which the clock does not change it.
/// </remarks>
internal sealed class TargetTelemetryCache(ServerContext context)
{
    /// <summary>How long serialized telemetry with a next run is kept at most (the next run is the clock's only input).</summary>
    private static readonly TimeSpan TimedJsonLifetime = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<(JsonShape Shape, string Target), KeptJson> _json = new();
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

    /// <summary>
    /// <paramref name="shape"/> of each of <paramref name="targets"/> with its telemetry, as JSON; a target's is kept while
    /// its inputs are unchanged. A target with a document destination is made afresh each time: its document ages.
    /// </summary>
    public async Task<JsonItems> JsonAsync(IReadOnlyList<TargetConfig> targets, JsonShape shape, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        var now = context.Time.GetUtcNow();
        var answers = new byte[targets.Count][];
        var allUntil = DateTimeOffset.MaxValue;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var state = snapshot.States.GetValueOrDefault(target.Name);
            DateTimeOffset? slot = snapshot.Fired.TryGetValue(target.Name, out var fired) ? fired : null;
            if (_json.TryGetValue((shape, target.Name), out var kept) && Equals(kept.State, state) && kept.Slot == slot && now < kept.Until)
            {
                answers[i] = kept.Json;
                allUntil = kept.Until < allUntil ? kept.Until : allUntil;
                continue;
            }

            var telemetry = TargetTelemetry.Of(context.Config, target, state, slot, now);
            var document = Documents.DocumentTarget.ForTarget(target) is not null;
            telemetry = await TargetTelemetry.WithDocumentAsync(telemetry, target, context.Store, context.Time, cancellationToken);
            answers[i] = JsonSerializer.SerializeToUtf8Bytes(shape.Build(target, telemetry), json);
            var until = document ? now
                : telemetry.NextRunAt is { } next ? (next < now + TimedJsonLifetime ? next : now + TimedJsonLifetime) : DateTimeOffset.MaxValue;
            allUntil = until < allUntil ? until : allUntil;
            if (!document)
            {
                _json[(shape, target.Name)] = new KeptJson(state, slot, until, answers[i]);
            }
        }

        return new JsonItems(answers, snapshot, allUntil);
    }

    /// <summary>
    /// The snapshot requests are answered from now (read again after the event log moved or a status it holds turned with
    /// the clock): answers made from the same snapshot, before their <see cref="JsonItems.Until"/>, are still true.
    /// </summary>
    public async Task<object> SnapshotAsync(CancellationToken cancellationToken) => await CurrentAsync(cancellationToken);

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

    private sealed record KeptJson(TargetState? State, DateTimeOffset? Slot, DateTimeOffset Until, byte[] Json);

    private sealed record Snapshot(
        long Version, Dictionary<string, TargetState> States, IReadOnlyDictionary<string, DateTimeOffset> Fired, DateTimeOffset ValidUntil)
    {
        public TargetTelemetry Of(ServerContext context, TargetConfig target) => TargetTelemetry.Of(
            context.Config, target, States.GetValueOrDefault(target.Name), Fired.TryGetValue(target.Name, out var slot) ? slot : null, context.Time.GetUtcNow());
    }
}

/// <summary>Each target's JSON, the telemetry snapshot it was made from, and until when the clock leaves all of them true (now when one ages: a document).</summary>
internal sealed record JsonItems(byte[][] Items, object Snapshot, DateTimeOffset Until);

/// <summary>What an answer about one target looks like: made from its config and telemetry (object identity is the cache key).</summary>
internal sealed class JsonShape(Func<TargetConfig, TargetTelemetry, object> build)
{
    public object Build(TargetConfig target, TargetTelemetry telemetry) => build(target, telemetry);
}
