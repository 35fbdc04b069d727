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

        // Depth first with an explicit stack: a chain of 100,000 targets would overflow the call stack.
        var path = new List<string>();
        var nextDependency = new List<int>();
        foreach (var (start, _) in edges)
        {
            if (state.GetValueOrDefault(start) == 2)
            {
                continue;
            }

            state[start] = 1;
            path.Add(start);
            nextDependency.Add(0);
            while (path.Count > 0)
            {
                var top = path.Count - 1;
                var dependencies = map[path[top]];
                if (nextDependency[top] == dependencies.Count)
                {
                    state[path[top]] = 2;
                    path.RemoveAt(top);
                    nextDependency.RemoveAt(top);
                    continue;
                }

                var dependency = dependencies[nextDependency[top]++];
                if (!map.ContainsKey(dependency))
                {
                    continue;
                }

                switch (state.GetValueOrDefault(dependency))
                {
                    case 1:
                        return [.. path.Skip(path.IndexOf(dependency)), dependency];
                    case 0:
                        state[dependency] = 1;
                        path.Add(dependency);
                        nextDependency.Add(0);
                        break;
                }
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
        var stack = new Stack<(string Name, int Next)>();
        foreach (var (name, _) in edges)
        {
            if (!done.Add(name))
            {
                continue;
            }

            stack.Push((name, 0));
            while (stack.TryPop(out var top))
            {
                var dependencies = map[top.Name];
                if (top.Next == dependencies.Count)
                {
                    order.Add(top.Name); // after all of its dependencies
                    continue;
                }

                stack.Push((top.Name, top.Next + 1));
                var dependency = dependencies[top.Next];
                if (map.ContainsKey(dependency) && done.Add(dependency))
                {
                    stack.Push((dependency, 0));
                }
            }
        }

        return order;
    }
}
