using Syncplane.Operations;
using Syncplane.Storage;

namespace Syncplane.Server.Telemetry;

/// <summary>What <c>/metrics</c> reports, as the store said at <see cref="TakenAt"/>: run statistics and each target's telemetry.</summary>
internal sealed record MetricsSnapshot(RunStatistics Statistics, IReadOnlyList<TargetTelemetry> Targets, DateTimeOffset TakenAt);
