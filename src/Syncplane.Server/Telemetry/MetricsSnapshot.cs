using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Server.Telemetry;

/// <summary>What <c>/metrics</c> reports, as the store said at <see cref="TakenAt"/>: run statistics and each configured target's facts.</summary>
internal sealed record MetricsSnapshot(RunStatistics Statistics, IReadOnlyList<TargetFacts> Targets, DateTimeOffset TakenAt);
