using Syncplane.Config;
using Syncplane.Engine;

namespace Syncplane.Connectors.Git;

/// <summary>
/// Pushes a work tree's HEAD to git_commit's remote branch, or fails: a push that did not land is never
/// reported as done. Runs after every successful pull, so a commit an earlier run could not push is pushed by
/// the next one, also when that run has nothing new to commit.
/// </summary>
/// <remarks>
/// When the remote branch has commits HEAD does not have (someone else pushed), they are fetched and the local
/// commits not yet on the remote are rebased onto them — but only when the two sides changed different files
/// and the tracked files have no uncommitted changes; otherwise nothing is pushed and the exception names the
/// files and says what to do. A push rejected because the remote moved again meanwhile is integrated again
/// (up to <see cref="Attempts"/> times); any other rejection (a hook, permissions) fails with git's message.
/// </remarks>
internal sealed class GitPushStep(GitCli git)
{
    /// <summary>Push attempts in one run while the remote branch keeps moving under us.</summary>
    private const int Attempts = 3;

    /// <summary>Makes <paramref name="root"/>'s HEAD part of the remote branch.</summary>
    /// <param name="config">Remote and branch (default: origin and the checked-out branch); the author commits rebased commits.</param>
    /// <param name="root">The top level of the work tree.</param>
    /// <param name="log">The run log.</param>
    /// <param name="cancellationToken">Kills git when cancelled.</param>
    /// <returns>What was pushed ("2 commit(s) to origin main"), or null when the remote branch already had HEAD.</returns>
    /// <exception cref="GitException">The push did not land; the message says why and what to do.</exception>
    public async Task<string?> PushAsync(GitCommitConfig config, string root, IRunLog log, CancellationToken cancellationToken)
    {
        var remote = config.Remote ?? "origin";
        var branch = config.Branch ?? await CurrentBranchAsync(root, log, cancellationToken);
        var where = $"{remote} {branch}";
        for (var attempt = 1; ; attempt++)
        {
            var head = await git.RunCheckedAsync(root, ["rev-parse", "HEAD"], log, cancellationToken);
            var tip = await RemoteTipAsync(root, remote, branch, log, cancellationToken);
            if (tip == head)
            {
                log.Info($"git push: {where} already has {Short(head)}");
                return null;
            }

            if (tip is not null && !await IsAncestorAsync(root, tip, head, log, cancellationToken))
            {
                tip = await FetchAsync(root, remote, branch, log, cancellationToken);
                if (await IsAncestorAsync(root, head, tip, log, cancellationToken))
                {
                    log.Info($"git push: {where} already contains {Short(head)}");
                    return null;
                }

                await RebaseAsync(config, root, tip, where, log, cancellationToken);
            }

            var count = await git.RunCheckedAsync(root, ["rev-list", "--count", tip is null ? "HEAD" : $"{tip}..HEAD"], log, cancellationToken);
            string[] push = ["-c", "advice.pushUpdateRejected=false", "push", "--quiet", remote, $"HEAD:refs/heads/{branch}"];
            var pushed = await git.RunAsync(root, push, log, cancellationToken);
            if (pushed.Succeeded)
            {
                log.Info($"git push: {count} commit(s) to {where}");
                return $"{count} commit(s) to {where}";
            }

            // Rejected. Only a remote that moved since we looked is worth another round; a hook or a permission
            // refuses the same way every time.
            var now = await RemoteTipAsync(root, remote, branch, log, cancellationToken);
            if (now == tip || attempt == Attempts)
            {
                throw GitCli.Failure(push, pushed);
            }

            log.Warn($"git push: {where} moved to {Short(now)} while pushing; integrating it");
        }
    }

    private async Task<string> CurrentBranchAsync(string root, IRunLog log, CancellationToken cancellationToken)
    {
        var current = await git.RunAsync(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], log, cancellationToken);
        return current.Succeeded
            ? current.StandardOutput.Trim()
            : throw new GitException($"cannot push from a detached HEAD in {root}; set git_commit.branch");
    }

    /// <summary>The remote branch's commit, or null when the branch does not exist there yet.</summary>
    private async Task<string?> RemoteTipAsync(string root, string remote, string branch, IRunLog log, CancellationToken cancellationToken)
    {
        string[] arguments = ["ls-remote", "--exit-code", remote, $"refs/heads/{branch}"];
        var result = await git.RunAsync(root, arguments, log, cancellationToken);
        if (result.ExitCode == 2 && !result.TimedOut)
        {
            return null; // no such ref
        }

        if (!result.Succeeded)
        {
            throw GitCli.Failure(arguments, result);
        }

        // ls-remote matches patterns by their tail; take the exact ref.
        return result.StandardOutput.Split('\n')
            .Select(line => line.Split('\t'))
            .FirstOrDefault(fields => fields.Length == 2 && fields[1].Trim() == $"refs/heads/{branch}")?[0];
    }

    private async Task<string> FetchAsync(string root, string remote, string branch, IRunLog log, CancellationToken cancellationToken)
    {
        await git.RunCheckedAsync(root, ["fetch", "--quiet", "--no-tags", remote, $"refs/heads/{branch}"], log, cancellationToken);
        return await git.RunCheckedAsync(root, ["rev-parse", "FETCH_HEAD"], log, cancellationToken);
    }

    /// <summary>True when <paramref name="ancestor"/> is known here and reachable from <paramref name="commit"/>.</summary>
    private async Task<bool> IsAncestorAsync(string root, string ancestor, string commit, IRunLog log, CancellationToken cancellationToken) =>
        (await git.RunAsync(root, ["merge-base", "--is-ancestor", ancestor, commit], log, cancellationToken)).Succeeded;

    private async Task RebaseAsync(GitCommitConfig config, string root, string upstream, string where, IRunLog log, CancellationToken cancellationToken)
    {
        var mergeBase = await git.RunAsync(root, ["merge-base", "HEAD", upstream], log, cancellationToken);
        if (!mergeBase.Succeeded)
        {
            throw new GitException($"cannot push to {where}: its history and the local one in {root} have no commit in common; nothing was pushed. Fix the remote or git_commit.branch, then run again");
        }

        var common = mergeBase.StandardOutput.Trim();
        var ours = await ChangedAsync(root, ["diff", "--name-only", "--no-renames", common, "HEAD"], log, cancellationToken);
        var theirs = await ChangedAsync(root, ["diff", "--name-only", "--no-renames", common, upstream], log, cancellationToken);
        var both = ours.Intersect(theirs, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (both.Count > 0)
        {
            throw new GitException(
                $"cannot push to {where}: someone else pushed changes to {Files(both)}, which the local commits not yet pushed change too; " +
                $"nothing was pushed. Resolve it in {root} ('git pull --rebase {where}', fix the conflicts); the next run pushes the result");
        }

        var dirty = await ChangedAsync(root, ["status", "--porcelain=v1", "--untracked-files=no", "--no-renames"], log, cancellationToken);
        if (dirty.Count > 0)
        {
            var files = dirty.Select(line => line.Length > 3 ? line[3..] : line).ToList();
            throw new GitException(
                $"cannot push to {where}: someone else pushed to it, and the local commits cannot be rebased onto that because {root} has uncommitted changes to {Files(files)}; " +
                "nothing was pushed. Commit or stash them; the next run rebases and pushes");
        }

        // Rebasing writes commits: the configured author commits them, as it did the originals.
        var identity = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GIT_COMMITTER_NAME"] = config.AuthorName,
            ["GIT_COMMITTER_EMAIL"] = config.AuthorEmail,
        };
        string[] rebase = ["-c", "commit.gpgsign=false", "rebase", "--quiet", upstream];
        Engine.Process.ProcessResult rebased;
        try
        {
            rebased = await git.RunAsync(root, rebase, log, cancellationToken, identity);
        }
        catch (OperationCanceledException)
        {
            await AbortRebaseAsync(root, log);
            throw;
        }

        if (!rebased.Succeeded)
        {
            await AbortRebaseAsync(root, log);
            throw GitCli.Failure(rebase, rebased);
        }

        log.Info($"git push: rebased the local commits onto {where} ({Short(upstream)}), which had commits from someone else");
    }

    /// <summary>Leaves the work tree as it was before the rebase (a no-op when none had started).</summary>
    private async Task AbortRebaseAsync(string root, IRunLog log) => await git.RunAsync(root, ["rebase", "--abort"], log, CancellationToken.None);

    /// <summary>The lines a git command prints, with paths unquoted (core.quotePath off) to name them as the user sees them.</summary>
    private async Task<List<string>> ChangedAsync(string root, string[] arguments, IRunLog log, CancellationToken cancellationToken)
    {
        var result = await git.RunAsync(root, ["-c", "core.quotePath=false", .. arguments], log, cancellationToken);
        return result.Succeeded
            ? [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)]
            : throw GitCli.Failure(arguments, result);
    }

    private static string Files(List<string> files) =>
        string.Join(", ", files.Take(10).Select(f => $"'{f}'")) + (files.Count > 10 ? $" and {files.Count - 10} more" : "");

    private static string Short(string? sha) => sha is null ? "nothing" : sha[..Math.Min(12, sha.Length)];
}
