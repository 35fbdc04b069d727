using System.Text.Json.Serialization;
using Syncplane.Operations;

namespace Syncplane.Server.Api;

/// <summary>
/// Seed 003's <c>ConnectionSyncStatus</c>: its eight tracking fields, in its order and with its meanings, each
/// always written (null when unknown).
/// </summary>
/// <param name="SyncFrequency">The schedule in force (runtime override, else the config's), presets in canonical spelling.</param>
/// <param name="LastSyncAttemptedAt">When the latest run started, whatever its outcome.</param>
/// <param name="LastSyncCompletedAt">When the latest successful run finished.</param>
/// <param name="LastMetricsChangedAt">When a run last changed the destination.</param>
/// <param name="TotalSyncsAttempted">Finished runs.</param>
/// <param name="TotalSyncsWithChanges">Successful runs that changed something.</param>
/// <param name="SyncStatus">The seed's four states: idle, queued, syncing or error (our waiting and retrying read as queued).</param>
/// <param name="LastSyncError">The current error; null once a successful run came after it.</param>
internal record ConnectionSyncStatus(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string SyncFrequency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSyncAttemptedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSyncCompletedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastMetricsChangedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int TotalSyncsAttempted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int TotalSyncsWithChanges,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string SyncStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastSyncError)
{
    /// <summary>The seed's view of one target's telemetry.</summary>
    public static ConnectionSyncStatus Of(TargetTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        return new(
            telemetry.SyncFrequency,
            telemetry.LastSyncAttemptedAt,
            telemetry.LastSyncCompletedAt,
            telemetry.LastMetricsChangedAt,
            telemetry.TotalSyncsAttempted,
            telemetry.TotalSyncsWithChanges,
            telemetry.SyncStatus is "waiting" or "retrying" ? "queued" : telemetry.SyncStatus,
            telemetry.LastSyncError);
    }
}

/// <summary>
/// One entry of seed 003's <c>GET /connections/</c> (its <c>ConnectionOut</c> "returns sync tracking fields"): the
/// connection's <c>id</c> and <c>name</c> (both the target's name) and the eight fields of <see cref="ConnectionSyncStatus"/>.
/// </summary>
internal sealed record ConnectionOut : ConnectionSyncStatus
{
    private ConnectionOut(string target, ConnectionSyncStatus status)
        : base(status)
    {
        Id = target;
        Name = target;
    }

    public string Id { get; }

    public string Name { get; }

    public static new ConnectionOut Of(TargetTelemetry telemetry) => new(telemetry.Target, ConnectionSyncStatus.Of(telemetry));
}
