using System.Runtime.CompilerServices;
using Syncplane.Config;

namespace Syncplane.Webhooks;

/// <summary>
/// Finds the targets a delivery triggers. Built once per config snapshot: matchers are indexed by provider
/// and exact (lower-cased) repository, so a delivery is checked only against matchers that could match it.
/// </summary>
public sealed class WebhookMatcher
{
    private static readonly ConditionalWeakTable<IReadOnlyList<TargetConfig>, WebhookMatcher> Cache = [];

    private readonly Dictionary<string, ProviderIndex> _providers = new(StringComparer.Ordinal);

    public WebhookMatcher(IReadOnlyList<TargetConfig> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        for (var order = 0; order < targets.Count; order++)
        {
            foreach (var trigger in targets[order].Webhooks)
            {
                if (!_providers.TryGetValue(trigger.Provider, out var index))
                {
                    _providers[trigger.Provider] = index = new ProviderIndex();
                }

                index.Add(new CompiledTrigger(order, targets[order].Name, trigger));
            }
        }
    }

    /// <summary>Matches against <paramref name="targets"/>, reusing the index built for that same list instance.</summary>
    public static IReadOnlyList<string> Match(InboundDelivery delivery, IReadOnlyList<TargetConfig> targets) =>
        Cache.GetValue(targets, t => new WebhookMatcher(t)).Match(delivery);

    /// <summary>The names of the targets with a matcher for this delivery, in config order, each once. A ping matches nothing.</summary>
    public IReadOnlyList<string> Match(InboundDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (delivery.IsPing || !_providers.TryGetValue(delivery.Provider, out var index))
        {
            return [];
        }

        var hits = new SortedDictionary<int, string>();
        foreach (var candidate in index.Candidates(delivery.Repository))
        {
            if (!hits.ContainsKey(candidate.Order) && candidate.IsMatch(delivery))
            {
                hits[candidate.Order] = candidate.TargetName;
            }
        }

        return [.. hits.Values];
    }

    private sealed class ProviderIndex
    {
        private readonly Dictionary<string, List<CompiledTrigger>> _byRepository = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<CompiledTrigger> _anyRepository = [];

        public void Add(CompiledTrigger trigger)
        {
            if (trigger.Trigger.Repository is { } repository && !trigger.RepositoryHasWildcard)
            {
                if (!_byRepository.TryGetValue(repository, out var list))
                {
                    _byRepository[repository] = list = [];
                }

                list.Add(trigger);
            }
            else
            {
                _anyRepository.Add(trigger);
            }
        }

        public IEnumerable<CompiledTrigger> Candidates(string? repository) =>
            repository is not null && _byRepository.TryGetValue(repository, out var exact) ? exact.Concat(_anyRepository) : _anyRepository;
    }
}
