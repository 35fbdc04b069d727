namespace Syncplane.Engine.Policies;

/// <summary>Order and cycle checks over <c>depends_on</c>.</summary>
internal static class DependencyGraph
{
    /// <summary>
    /// A cycle as a path that starts and ends at the same target (<c>[a, b, a]</c>), or null when there
    /// is none. Edges to names missing from <paramref name="edges"/> are ignored (reported elsewhere).
    /// </summary>
    /// <remarks>Targets are visited in the map's order, so the same config always reports the same cycle.</remarks>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var map = edges.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = done
        var path = new List<string>();
        foreach (var (start, _) in edges)
        {
            if (Visit(start, map, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>Targets ordered so that every target comes after its dependencies (stable: file order otherwise).</summary>
    /// <exception cref="InvalidOperationException">The graph has a cycle.</exception>
    public static IReadOnlyList<string> TopologicalOrder(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> edges)
    {
        if (FindCycle(edges) is { } cycle)
        {
            throw new InvalidOperationException("depends_on has a cycle: " + string.Join(" -> ", cycle));
        }

        var map = edges.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in edges)
        {
            Emit(name, map, done, order);
        }

        return order;
    }

    private static void Emit(string name, Dictionary<string, IReadOnlyList<string>> map, HashSet<string> done, List<string> order)
    {
        if (!map.TryGetValue(name, out var dependencies) || !done.Add(name))
        {
            return;
        }

        foreach (var dependency in dependencies)
        {
            Emit(dependency, map, done, order);
        }

        order.Add(name);
    }

    private static List<string>? Visit(string node, Dictionary<string, IReadOnlyList<string>> map, Dictionary<string, int> state, List<string> path)
    {
        if (!map.TryGetValue(node, out var next) || state.GetValueOrDefault(node) == 2)
        {
            return null;
        }

        if (state.GetValueOrDefault(node) == 1)
        {
            return [.. path.Skip(path.IndexOf(node)), node];
        }

        state[node] = 1;
        path.Add(node);
        foreach (var dependency in next)
        {
            if (Visit(dependency, map, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[node] = 2;
        return null;
    }
}
