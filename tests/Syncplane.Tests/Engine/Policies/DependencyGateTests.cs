using Syncplane.Engine.Policies;

namespace Syncplane.Tests.Engine.Policies;

public class DependencyGateTests
{
    [Fact]
    public void CanRun_EveryDependencySucceeded_Runs()
    {
        var decision = DependencyGate.CanRun(["a", "b"], _ => DependencyRunState.Succeeded);

        Assert.True(decision.CanRun);
        Assert.Empty(decision.WaitingFor);
    }

    [Fact]
    public void CanRun_NewestRunFailedPendingOrMissing_WaitsAndSaysWhy()
    {
        var states = new Dictionary<string, DependencyRunState>
        {
            ["ok"] = DependencyRunState.Succeeded,
            ["broken"] = DependencyRunState.Failed,
            ["busy"] = DependencyRunState.Pending,
        };

        var decision = DependencyGate.CanRun(["ok", "broken", "busy", "new"], d => states.GetValueOrDefault(d));

        Assert.False(decision.CanRun);
        Assert.Equal(["broken (newest run failed)", "busy (newest run not finished)", "new (never ran)"], decision.WaitingFor);
        Assert.StartsWith("waiting for broken", decision.Reason);
    }

    [Fact]
    public void CanRun_NoDependencies_Runs() =>
        Assert.True(DependencyGate.CanRun([], _ => DependencyRunState.None).CanRun);

    [Fact]
    public void FindCycle_ThreeTargetLoop_ReturnsThePath()
    {
        var edges = Edges(("a", ["b"]), ("b", ["c"]), ("c", ["a"]), ("d", []));

        Assert.Equal(["a", "b", "c", "a"], DependencyGraph.FindCycle(edges));
    }

    [Fact]
    public void FindCycle_Diamond_HasNone() =>
        Assert.Null(DependencyGraph.FindCycle(Edges(("top", ["l", "r"]), ("l", ["base"]), ("r", ["base"]), ("base", []))));

    [Fact]
    public void TopologicalOrder_Diamond_PutsDependenciesFirst()
    {
        var order = DependencyGraph.TopologicalOrder(Edges(("top", ["l", "r"]), ("l", ["base"]), ("r", ["base"]), ("base", [])));

        Assert.Equal(["base", "l", "r", "top"], order);
    }

    [Fact]
    public void FindCycle_LoopThroughAHundredThousandTargets_ReturnsTheWholePath()
    {
        const int count = 100_000;
        var edges = Enumerable.Range(0, count).Select(i => ($"t{i}", new[] { $"t{(i + 1) % count}" })).ToArray();

        var cycle = DependencyGraph.FindCycle(Edges(edges));

        Assert.NotNull(cycle);
        Assert.Equal(count + 1, cycle.Count);
        Assert.Equal(["t0", "t1", "t2"], cycle.Take(3));
        Assert.Equal(["t99999", "t0"], cycle.TakeLast(2));
    }

    [Fact]
    public void TopologicalOrder_ChainOfAHundredThousandTargets_PutsTheLastDependencyFirst()
    {
        const int count = 100_000;
        var edges = Enumerable.Range(0, count).Select(i => ($"t{i}", i + 1 < count ? new[] { $"t{i + 1}" } : [])).ToArray();

        var order = DependencyGraph.TopologicalOrder(Edges(edges));

        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"t{i}"), order);
    }

    private static List<KeyValuePair<string, IReadOnlyList<string>>> Edges(params (string Name, string[] Deps)[] edges) =>
        edges.Select(e => new KeyValuePair<string, IReadOnlyList<string>>(e.Name, e.Deps)).ToList();
}
