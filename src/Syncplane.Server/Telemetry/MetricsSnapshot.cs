using Syncplane.Config;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Server.Telemetry;

/// <summary>What <c>/metrics</c> reports, as the store said at <see cref="TakenAt"/>: run statistics and each configured target's facts.</summary>
/// <param name="Statistics">Runs per target and status, durations, the queue.</param>
/// <param name="Configured">The config's targets: only they are reported.</param>
/// <param name="Facts">The store's facts by target name; a configured target without an entry has never run.</param>
/// <param name="TakenAt">When the store was read.</param>
/// <remarks>Facts are not made up for targets that never ran: with 100,000 targets, one record each per snapshot (every
/// 15 seconds) kept the node's memory growing between full collections.</remarks>
internal sealed record MetricsSnapshot(RunStatistics Statistics, IReadOnlyList<TargetConfig> Configured, IReadOnlyDictionary<string, TargetFacts> Facts, DateTimeOffset TakenAt)
{
    /// <summary>The facts of the configured targets that have run.</summary>
    public IEnumerable<TargetFacts> Known => Facts.Count == 0 ? [] : Configured.Select(t => Facts.GetValueOrDefault(t.Name)).OfType<TargetFacts>();

    /// <summary>Each configured target's failed runs since its last good run; 0 for one that never ran.</summary>
    public IEnumerable<(string Target, int Failures)> ConsecutiveFailures =>
        Configured.Select(t => (t.Name, Facts.GetValueOrDefault(t.Name)?.ConsecutiveFailures ?? 0));
}
