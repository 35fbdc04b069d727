using System.Globalization;
using System.Text.Json.Nodes;

namespace Syncplane.Checks;

/// <summary>
/// The status JSON that <c>syncplane check</c> writes (and prints with <c>--json</c>), shaped like the Infinity
/// Sync status file and its <c>/api/sync/status</c> and <c>/api/sync/heartbeat</c> responses: a
/// <c>timestamp</c>, the seed's <c>status</c> sections (<see cref="SeedSections"/>), a <c>heartbeats</c> array
/// (<c>service</c>, <c>status</c>, <c>lastCheck</c>, <c>responseTime</c>), and Syncplane's own view: <c>overall</c>,
/// <c>counts</c> and <c>checks</c> (one entry per check with its health, state, message and details).
/// </summary>
public static class CheckStatusDocument
{
    /// <summary>The document for <paramref name="results"/> (in the order given) taken at <paramref name="timestamp"/>.</summary>
    /// <param name="results">The results.</param>
    /// <param name="checks">The checks' config, for sections (a result without one is under its kind's heading).</param>
    /// <param name="timestamp">When the checks were run.</param>
    public static JsonObject Build(IReadOnlyList<CheckResult> results, ChecksConfig checks, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(checks);
        var entries = new JsonObject();
        var heartbeats = new JsonArray();
        foreach (var result in results)
        {
            var details = new JsonObject();
            foreach (var (key, value) in result.Details)
            {
                details[key] = value;
            }

            entries[result.Name] = new JsonObject
            {
                ["Status"] = result.Status.ToText(),
                ["State"] = result.Details.GetValueOrDefault("state"),
                ["Kind"] = result.Kind,
                ["Section"] = SectionOf(result, checks),
                ["Message"] = result.Message,
                ["Details"] = details,
                ["LatencyMs"] = result.LatencyMs,
                ["CheckedAt"] = Time(result.CheckedAt),
            };
            heartbeats.Add(new JsonObject
            {
                ["service"] = SeedSections.NameOf(result, checks),
                ["status"] = result.Status.ToText(),
                ["lastCheck"] = Time(result.CheckedAt),
                ["responseTime"] = result.LatencyMs,
            });
        }

        var counts = new JsonObject();
        foreach (var value in new[] { CheckStatus.Healthy, CheckStatus.Degraded, CheckStatus.Down, CheckStatus.Unknown })
        {
            counts[value.ToText()] = results.Count(r => r.Status == value);
        }

        return new JsonObject
        {
            ["timestamp"] = Time(timestamp),
            ["status"] = SeedSections.Build(results, checks),
            ["dryRun"] = false,
            ["overall"] = CheckStatusText.Worst(results.Select(r => r.Status)).ToText(),
            ["counts"] = counts,
            ["heartbeats"] = heartbeats,
            ["checks"] = entries,
        };
    }

    /// <summary>The report heading of a result: its check's <c>section</c>, else its kind's heading.</summary>
    public static string SectionOf(CheckResult result, ChecksConfig checks)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Find(result.Name)?.Section ?? CheckKinds.Heading(result.Kind);
    }

    /// <summary>
    /// <paramref name="at"/> as the seed writes timestamps (JavaScript's <c>toISOString()</c>): UTC, always three
    /// fractional digits (<c>2026-02-18T00:50:37.000Z</c>). The status file and <c>/api/sync/*</c> use it; <c>/api/v1</c> has its own.
    /// </summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
