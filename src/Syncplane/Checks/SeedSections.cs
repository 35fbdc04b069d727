using System.Text.Json.Nodes;

namespace Syncplane.Checks;

/// <summary>
/// The <c>status</c> object of the Infinity Sync status file (<c>seeds/002</c>): one entry per section, keyed by the
/// checks' <c>section</c> (a check without one is its own section, keyed by its name), each
/// <c>{ "Status": WORD, "Details": [...] }</c> in the seed's words.
/// </summary>
/// <remarks>
/// Words per kind, as the seed documents its five checks:
/// <list type="bullet">
/// <item><c>git</c> (Git Sync): <c>Synced</c> (in sync, also with uncommitted changes or on another branch), <c>Diverged</c>
/// (ahead, behind or both), <c>Failed</c>.</item>
/// <item><c>compose</c> (Docker Sync): <c>Synced</c>, <c>OutOfSync</c>, <c>NoManifest</c>, <c>Failed</c>.</item>
/// <item><c>cloud_run</c> (GCP Sync): <c>Synced</c>, <c>NotDeployed</c>, <c>NotConfigured</c>, <c>Failed</c>.</item>
/// <item><c>command</c> (Authentication Check): <c>Success</c> when every command check of the section passed,
/// <c>Partial</c> when some did, <c>Failed</c> when none did; <c>Details</c> is then an object of check name (its
/// <c>display_name</c> when it has one) → passed.</item>
/// <item><c>dns</c>, <c>http</c>, <c>tcp</c> (Cloudflare Check): <c>Reachable</c> when every one answered (healthy or
/// degraded), <c>PartiallyReachable</c> when some did, <c>Unreachable</c> when none did.</item>
/// </list>
/// A section mixing these families takes the word of its worst check (down &gt; degraded &gt; unknown &gt; healthy),
/// and its <c>Details</c> is the list of every check's lines.
/// </remarks>
public static class SeedSections
{
    /// <summary>The key of the section <paramref name="result"/> belongs to.</summary>
    public static string KeyOf(CheckResult result, ChecksConfig checks)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Find(result.Name)?.Section ?? result.Name;
    }

    /// <summary>The sections of <paramref name="results"/>, in the order their first check comes.</summary>
    public static JsonObject Build(IReadOnlyList<CheckResult> results, ChecksConfig checks)
    {
        ArgumentNullException.ThrowIfNull(results);
        var status = new JsonObject();
        foreach (var section in results.GroupBy(r => KeyOf(r, checks), StringComparer.Ordinal))
        {
            status[section.Key] = Section([.. section], checks);
        }

        return status;
    }

    /// <summary>The name the seed's shapes show for <paramref name="result"/>'s check: its <c>display_name</c>, else its name.</summary>
    public static string NameOf(CheckResult result, ChecksConfig checks)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Find(result.Name)?.SeedName ?? result.Name;
    }

    private static JsonObject Section(List<CheckResult> results, ChecksConfig checks)
    {
        if (results.All(r => r.Kind == CheckKinds.Command))
        {
            var passed = new JsonObject();
            foreach (var result in results)
            {
                passed[NameOf(result, checks)] = IsUp(result);
            }

            return Entry(Share(results, "Success", "Partial", "Failed"), passed);
        }

        var details = new JsonArray([.. results.SelectMany(Lines).Select(line => (JsonNode)line)]);
        if (results.All(r => IsReach(r.Kind)))
        {
            return Entry(Share(results, "Reachable", "PartiallyReachable", "Unreachable"), details);
        }

        var worst = results.MaxBy(r => Rank(r.Status))!;
        return Entry(Word(worst), details);
    }

    private static JsonObject Entry(string word, JsonNode details) => new() { ["Status"] = word, ["Details"] = details };

    private static string Share(List<CheckResult> results, string all, string some, string none)
    {
        var up = results.Count(IsUp);
        return up == results.Count ? all : up == 0 ? none : some;
    }

    // The word of one check on its own.
    private static string Word(CheckResult result) => result.Kind switch
    {
        CheckKinds.Git => State(result) switch
        {
            "Synced" or "Dirty" or "OtherBranch" => "Synced",
            "Ahead" or "Behind" or "Diverged" => "Diverged",
            _ => "Failed",
        },
        CheckKinds.Compose or CheckKinds.CloudRun => State(result) ?? "Failed",
        CheckKinds.Command => IsUp(result) ? "Success" : "Failed",
        _ => IsUp(result) ? "Reachable" : "Unreachable",
    };

    // The seed's notes: nothing when in sync, the DNS answers, the service's output; else our one-line message.
    private static IEnumerable<string> Lines(CheckResult result)
    {
        if (result.Kind == CheckKinds.Dns && result.Status == CheckStatus.Healthy)
        {
            return ["DNS resolved", $"IPs: {result.Details.GetValueOrDefault("addresses")}"];
        }

        if (result.Kind == CheckKinds.CloudRun && result.Status == CheckStatus.Healthy)
        {
            return [$"Service URL: {result.Details.GetValueOrDefault("url")}"];
        }

        if (result.Kind == CheckKinds.Command && result.Status == CheckStatus.Healthy)
        {
            return [result.Details.GetValueOrDefault("match") ?? result.Message];
        }

        return result.Status == CheckStatus.Healthy ? [] : [result.Message];
    }

    private static string? State(CheckResult result) => result.Details.GetValueOrDefault("state");

    private static bool IsUp(CheckResult result) => result.Status is CheckStatus.Healthy or CheckStatus.Degraded;

    private static bool IsReach(string kind) => kind is CheckKinds.Dns or CheckKinds.Http or CheckKinds.Tcp;

    private static int Rank(CheckStatus status) => status switch
    {
        CheckStatus.Healthy => 0,
        CheckStatus.Unknown => 1,
        CheckStatus.Degraded => 2,
        _ => 3,
    };
}
