using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Checks;

/// <summary>
/// Stores a check result and, when its status differs from the check's previous stored status, appends a
/// <c>check.changed</c> event. A check's first result counts as a change from <c>unknown</c>, so a first
/// healthy result is an event and a first unknown one is not.
/// </summary>
internal static class CheckRecorder
{
    /// <summary>Records <paramref name="result"/>; <paramref name="previous"/> is the check's newest result before it, or null.</summary>
    /// <returns>True when a <c>check.changed</c> event was appended.</returns>
    public static async Task<bool> RecordAsync(ISyncStore store, CheckResult result, CheckResult? previous, CancellationToken cancellationToken)
    {
        await store.RecordCheckResultAsync(result, cancellationToken);
        var before = previous?.Status ?? CheckStatus.Unknown;
        if (before == result.Status)
        {
            return false;
        }

        // Only what the result already carries (redacted by the runner); details stay out of the event.
        var data = new JsonObject
        {
            ["name"] = result.Name,
            ["kind"] = result.Kind,
            ["status"] = result.Status.ToText(),
            ["previous"] = before.ToText(),
            ["state"] = result.Details.GetValueOrDefault("state"),
            ["message"] = result.Message,
            ["latency_ms"] = result.LatencyMs,
            ["checked_at"] = UtcTimestamps.Text(result.CheckedAt),
        };
        await store.AppendEventAsync(new NewEvent(EventTypes.CheckChanged, null, null, data), cancellationToken);
        return true;
    }
}
