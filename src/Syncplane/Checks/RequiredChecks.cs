using Syncplane.Config;
using Syncplane.Engine;
using Syncplane.Storage;

namespace Syncplane.Checks;

/// <summary>
/// The <c>requires:</c> gate before a run: takes each required check's newest stored result when it is younger
/// than the check's <c>cache_ttl</c>, runs (and records) the others, and names the first one that is down.
/// Degraded and unknown checks do not stop a run.
/// </summary>
internal sealed class RequiredChecks(ChecksConfig checks, ISyncStore store, CheckRunner runner, TimeProvider time)
{
    /// <summary>The gate's name in <see cref="GateFailedException"/>.</summary>
    public const string Gate = "requires";

    /// <summary>Null when every required check is up; otherwise why the run is skipped.</summary>
    public async Task<string?> BlockerAsync(TargetConfig target, IRunLog log, CancellationToken cancellationToken)
    {
        if (target.Requires.Count == 0)
        {
            return null;
        }

        var required = target.Requires.Select(name => checks.Find(name) ?? throw new InvalidOperationException($"target '{target.Name}' requires unknown check '{name}'")).ToList();
        var latest = (await store.ListLatestCheckResultsAsync(cancellationToken)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var fresh = new List<CheckResult>();
        var stale = new List<CheckConfig>();
        foreach (var check in required)
        {
            if (latest.TryGetValue(check.Name, out var cached) && now - cached.CheckedAt < check.CacheTtl)
            {
                fresh.Add(cached);
            }
            else
            {
                stale.Add(check);
            }
        }

        var ran = await runner.RunAsync(stale, cancellationToken);
        foreach (var result in ran)
        {
            await store.RecordCheckResultAsync(result, cancellationToken);
        }

        var byName = fresh.Concat(ran).ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var check in required)
        {
            var result = byName[check.Name];
            var age = ran.Contains(result) ? "checked now" : $"result from {result.CheckedAt.UtcDateTime:HH:mm:ss}Z";
            log.Info($"required check '{check.Name}': {result.Status.ToText()} ({age}): {result.Message}");
            if (result.Status == CheckStatus.Down)
            {
                return $"skipped: required check '{check.Name}' is down: {result.Message}";
            }
        }

        return null;
    }
}
