using Syncplane.Config;
using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Git;
using Syncplane.Engine.Process;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Telemetry;

namespace Syncplane.Engine;

public sealed partial class SyncRunner
{
    private static DirectoryOptions WithoutGitMetadata(DirectoryOptions options) =>
        options with { Exclude = [.. options.Exclude, .. GitMetadata.Globs.Where(g => !options.Exclude.Any(e => e.Pattern == g.Pattern))] };

    /// <summary>A side's own git metadata is never synced both ways (a work tree is kept by its own git, not copied).</summary>
    /// <remarks>
    /// In a class of its own so the globs are built on first use by a two-way run, not whenever a <see cref="SyncRunner"/>
    /// is: building their regexes cost every <c>syncplane run</c> of a one-way target about 110 JIT-compiled methods.
    /// </remarks>
    private static class GitMetadata
    {
        public static readonly Glob[] Globs = [Glob.Parse(".git"), Glob.Parse("**/.git")];
    }

    /// <summary>
    /// The sides <c>git_commit</c> commits on a bidirectional target: each side inside a git work tree. Asked before
    /// anything is written, so a target with neither side in a work tree fails having changed nothing.
    /// </summary>
    private async Task<List<TwoWaySide>> WorkTreeSidesAsync(TargetConfig target, Dictionary<TwoWaySide, DirectoryReplica> sides, IRunLog log, CancellationToken ct)
    {
        if (target.GitCommit is null)
        {
            return [];
        }

        var cli = new GitCli(new ProcessRunner(time));
        var found = new List<TwoWaySide>();
        foreach (var side in new[] { TwoWaySide.Source, TwoWaySide.Destination })
        {
            if (Directory.Exists(sides[side].Root) && (await cli.RunAsync(sides[side].Root, ["rev-parse", "--show-toplevel"], log, ct)).Succeeded)
            {
                found.Add(side);
            }
        }

        return found.Count > 0
            ? found
            : throw new GitException($"git_commit on bidirectional target '{target.Name}': neither {sides[TwoWaySide.Source].Root} nor {sides[TwoWaySide.Destination].Root} is inside a git work tree, so nothing was written; run 'git init' in one or turn git_commit off");
    }

    /// <summary>
    /// Each side in <paramref name="workTrees"/> commits what this run wrote into it (copies, deletes, conflict copies)
    /// as the configured author, and pushes when asked (a rebase onto the remote, never a force push). A side that
    /// received nothing makes no commit.
    /// </summary>
    private async Task<GitCommitResult?> CommitReceivedAsync(
        TargetConfig target, List<TwoWaySide> workTrees, TwoWayPlan plan, Dictionary<TwoWaySide, DirectoryReplica> sides, HashSet<string> skipped, IRunLog log, CancellationToken ct)
    {
        if (target.GitCommit is not { } git || workTrees.Count == 0)
        {
            return null;
        }

        using var phase = SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Commit);
        var cli = new GitCli(new ProcessRunner(time));
        GitCommitResult? last = null;
        foreach (var side in workTrees)
        {
            var received = plan.Into(side).Select(c => c.Key).Where(k => !skipped.Contains(k)).Distinct(StringComparer.Ordinal).ToList();
            if (received.Count > 0 || git.Push)
            {
                var result = await new GitCommitStep(cli, time).CommitAsync(git, sides[side].Root, received, Template(target, null), log, ct);
                last = result.Commit is not null || last is null ? result : last;
            }
        }

        return last;
    }
}
