using Syncplane.Checks;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Alerts;

/// <summary>
/// What alert rules read: target facts from the rollups (<see cref="ISyncStore.ListTargetFactsAsync"/>), every target's in one
/// read, so a node's evaluation of every rule × target costs a few queries however many targets there are.
/// </summary>
internal interface IAlertFacts
{
    /// <summary>
    /// Facts of every target with runs (only <paramref name="target"/>'s when set); success counts cover runs that finished
    /// within <paramref name="window"/> before now. A target with no runs has no entry.
    /// </summary>
    Task<IReadOnlyDictionary<string, TargetFacts>> GetTargetsAsync(string? target, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>The newest status of every check that has a result.</summary>
    Task<IReadOnlyDictionary<string, CheckStatus>> GetCheckStatusesAsync(CancellationToken cancellationToken);
}

/// <summary><see cref="IAlertFacts"/> over the rollups and check results of <see cref="ISyncStore"/>.</summary>
internal sealed class StoreAlertFacts(ISyncStore store, TimeProvider time) : IAlertFacts
{
    public Task<IReadOnlyDictionary<string, TargetFacts>> GetTargetsAsync(string? target, TimeSpan window, CancellationToken cancellationToken) =>
        store.ListTargetFactsAsync(target, time.GetUtcNow() - window, cancellationToken);

    public async Task<IReadOnlyDictionary<string, CheckStatus>> GetCheckStatusesAsync(CancellationToken cancellationToken) =>
        (await store.ListLatestCheckResultsAsync(cancellationToken)).ToDictionary(r => r.Name, r => r.Status, StringComparer.Ordinal);
}

/// <summary>A rule's metric read from the facts: seconds for times, a fraction for the rate, null when there is nothing to measure.</summary>
internal static class AlertMetricValues
{
    public static double? Of(AlertMetric metric, TargetFacts? facts, DateTimeOffset now) => facts is null ? null : metric switch
    {
        AlertMetric.SuccessRate => facts.Succeeded + facts.Failed == 0 ? null : (double)facts.Succeeded / (facts.Succeeded + facts.Failed),
        AlertMetric.Latency => facts.LatestFinishedAt - facts.LatestQueuedAt is { } latency ? latency.TotalSeconds : null,
        AlertMetric.Duration => facts.LatestFinishedAt - facts.LatestStartedAt is { } duration ? duration.TotalSeconds : null,
        AlertMetric.Freshness => facts.LastSuccessAt is { } success ? (now - success).TotalSeconds : null,
        AlertMetric.ConsecutiveFailures => facts.ConsecutiveFailures,
        _ => null,
    };

    public static double? Of(CheckStatus? status) => status switch
    {
        null or CheckStatus.Unknown => null,
        CheckStatus.Down => 1,
        _ => 0,
    };
}
