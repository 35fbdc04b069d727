using Syncplane.Engine.Policies;

namespace Syncplane.Config;

/// <summary>Checks what ties targets together: <c>depends_on</c> names and cycles, and shared <c>rate_limit</c> names.</summary>
internal static class DependencyValidator
{
    /// <summary>Reports unknown dependencies, cycles (as <c>a -> b -> a</c>) and unknown shared rate limits, each at its position.</summary>
    /// <param name="targets">The bound targets.</param>
    /// <param name="declared">Every target name declared in the file, bound or not (so a broken target is not also "unknown").</param>
    /// <param name="rateLimits">The top-level named budgets.</param>
    /// <param name="reader">Collects the errors.</param>
    public static void Validate(IReadOnlyList<TargetConfig> targets, IReadOnlySet<string> declared, IReadOnlyDictionary<string, RateLimit> rateLimits, ConfigReader reader)
    {
        foreach (var target in targets)
        {
            var node = target.Node;
            if (node?["depends_on"] is { } list)
            {
                for (var i = 0; i < target.DependsOn.Count; i++)
                {
                    var name = target.DependsOn[i];
                    if (!declared.Contains(name))
                    {
                        var at = list.Kind == ConfigNodeKind.Sequence ? list.Items[i] : list;
                        reader.Error(at, $"target '{target.Name}' depends on '{name}', which is not a target; known targets: {string.Join(", ", declared.Order(StringComparer.Ordinal))}");
                    }
                }
            }

            if (target.RateLimitBucket is { } bucket && !rateLimits.ContainsKey(bucket) && node?["rate_limit"] is { } limitNode)
            {
                var known = rateLimits.Count == 0 ? "rate_limits declares none" : "declared: " + string.Join(", ", rateLimits.Keys.Order(StringComparer.Ordinal));
                reader.Error(limitNode, $"rate_limit '{bucket}' is neither calls/period (such as 180/hour) nor a name in the top-level rate_limits ({known})");
            }
        }

        var edges = targets.Select(t => new KeyValuePair<string, IReadOnlyList<string>>(t.Name, t.DependsOn)).ToList();
        if (DependencyGraph.FindCycle(edges) is { } cycle)
        {
            var first = targets.First(t => t.Name == cycle[0]);
            var list = first.Node?["depends_on"];
            var index = first.DependsOn.ToList().IndexOf(cycle[1]);
            var at = list is { Kind: ConfigNodeKind.Sequence } && index >= 0 && index < list.Items.Count ? list.Items[index] : list ?? first.Node;
            if (at is not null)
            {
                reader.Error(at, $"depends_on forms a cycle: {string.Join(" -> ", cycle)}; a target cannot wait for itself");
            }
        }
    }
}
