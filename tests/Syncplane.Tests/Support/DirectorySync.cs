using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Directory;
using Syncplane.Planning;

namespace Syncplane.Tests.Support;

/// <summary>Runs the directory connector end to end (snapshot both sides, plan, apply) without the engine.</summary>
internal static class DirectorySync
{
    public static ConnectorContext Context(string baseDirectory, TestRunLog? log = null) =>
        new("test", baseDirectory, Path.Combine(baseDirectory, ".syncplane"), new SecretResolver(baseDirectory), log ?? new TestRunLog(), TimeProvider.System);

    public static DirectoryOptions Options(string path, string[]? include = null, string[]? exclude = null, bool delete = true) =>
        new(path, (include ?? []).Select(Glob.Parse).ToList(), (exclude ?? []).Select(Glob.Parse).ToList(), delete);

    /// <summary>Mirrors <paramref name="source"/> into <paramref name="destination"/> and returns the plan it applied.</summary>
    public static async Task<Plan> MirrorAsync(DirectoryOptions source, DirectoryOptions destination, TestRunLog? log = null)
    {
        var context = Context(Path.GetDirectoryName(destination.Path)!, log);
        var from = new DirectorySource(source, context);
        var to = new DirectoryDestination(destination, context);
        var plan = await PlanAsync(from, to, destination.Delete);
        await to.ApplyAsync(plan, from, null, CancellationToken.None);
        return plan;
    }

    public static async Task<Plan> PlanAsync(DirectorySource from, DirectoryDestination to, bool delete)
    {
        var sourceSnapshot = await from.SnapshotAsync(CancellationToken.None);
        var destinationSnapshot = await to.SnapshotAsync(CancellationToken.None);
        return await Planner.DiffAsync(sourceSnapshot, destinationSnapshot, delete, (s, d, ct) => to.SameContentAsync(s, d, from, ct), CancellationToken.None);
    }

    public static Task<Plan> MirrorAsync(string source, string destination, bool delete = true) =>
        MirrorAsync(Options(source), Options(destination, delete: delete));
}
