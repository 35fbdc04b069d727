using System.Globalization;
using Syncplane.Config;
using Syncplane.Engine;

namespace Syncplane.Connectors.Git;

/// <summary>
/// Seed 004's "automatic commit for PULL": commits what a sync wrote into the git work tree that holds the
/// destination, only when something changed, as the configured author, and optionally pushes.
/// </summary>
/// <remarks>
/// The identity is passed as GIT_AUTHOR_*/GIT_COMMITTER_* environment variables, so the commit works on a
/// machine with no git identity configured; <c>commit.gpgsign</c> is switched off for the commit because
/// nobody is there to unlock a key. Anything the user had already staged in that work tree is committed too.
/// </remarks>
internal sealed class GitCommitStep(GitCli git, TimeProvider time)
{
    /// <summary>Pathspecs per git invocation, to stay far below the kernel's argument size limit.</summary>
    private const int Batch = 500;

    /// <summary>
    /// Stages <paramref name="pathspecs"/> and commits them if anything is staged; with <c>push</c>, then pushes
    /// HEAD (see <see cref="GitPushStep"/>), also when there was nothing new to commit, so a commit an earlier
    /// run could not push lands now.
    /// </summary>
    /// <param name="config">Message template, author, push settings.</param>
    /// <param name="path">The destination directory (or a file in it) inside the work tree.</param>
    /// <param name="pathspecs">What the sync created, updated or deleted, relative to <paramref name="path"/> and taken literally; null means all of <paramref name="path"/>, empty means commit nothing (only push).</param>
    /// <param name="templateValues">Values for the template: <c>target</c>, <c>source_sha</c> (empty → "n/a"), and any other <c>{name}</c>; <c>date</c> defaults to today (UTC, <c>date -I</c>'s 2026-12-06) and <c>datetime</c> to now (ISO-8601 UTC, 2026-12-06T14:03:06Z).</param>
    /// <param name="log">The run log.</param>
    /// <param name="cancellationToken">Kills git when cancelled.</param>
    /// <returns>The commit made (null when nothing changed) and what was pushed.</returns>
    /// <exception cref="GitException"><paramref name="path"/> is not in a work tree, a git command failed, or the push did not land.</exception>
    public async Task<GitCommitResult> CommitAsync(
        GitCommitConfig config,
        string path,
        IReadOnlyList<string>? pathspecs,
        IReadOnlyDictionary<string, string> templateValues,
        IRunLog log,
        CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.Exists(path) ? path : Path.GetDirectoryName(path) ?? path;
        var topLevel = await git.RunAsync(directory, ["rev-parse", "--show-toplevel"], log, cancellationToken);
        if (!topLevel.Succeeded)
        {
            throw new GitException($"'{path}' is not inside a git work tree, so git_commit cannot commit it; run 'git init' there or turn git_commit off");
        }

        var root = topLevel.StandardOutput.Trim();
        var sha = pathspecs is { Count: 0 } ? null : await CommitStagedAsync(config, root, directory, pathspecs ?? ["."], templateValues, log, cancellationToken);
        if (!config.Push)
        {
            return new GitCommitResult(sha, null);
        }

        var pushed = await new GitPushStep(git).PushAsync(config, root, log, cancellationToken);
        // A rebase onto someone else's commits gives our commit a new SHA: report the one the remote has.
        return new GitCommitResult(sha is null ? null : await git.RunCheckedAsync(root, ["rev-parse", "HEAD"], log, cancellationToken), pushed);
    }

    /// <summary>Fills <c>{name}</c> placeholders; unknown ones stay as written.</summary>
    public string Message(string template, IReadOnlyDictionary<string, string> values)
    {
        var all = new Dictionary<string, string>(values, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        all.TryAdd("date", now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        all.TryAdd("datetime", now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (!all.TryGetValue("source_sha", out var sha) || string.IsNullOrEmpty(sha))
        {
            all["source_sha"] = "n/a";
        }

        foreach (var (name, value) in all)
        {
            template = template.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return template;
    }

    private async Task<string?> CommitStagedAsync(
        GitCommitConfig config,
        string root,
        string directory,
        IReadOnlyList<string> pathspecs,
        IReadOnlyDictionary<string, string> templateValues,
        IRunLog log,
        CancellationToken cancellationToken)
    {
        await StageAsync(directory, pathspecs, log, cancellationToken);
        var staged = await git.RunAsync(root, ["diff", "--cached", "--quiet"], log, cancellationToken);
        if (staged.ExitCode == 0)
        {
            log.Info($"git commit: nothing changed in {root}");
            return null;
        }

        var message = Message(config.Message, templateValues);
        var identity = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GIT_AUTHOR_NAME"] = config.AuthorName,
            ["GIT_AUTHOR_EMAIL"] = config.AuthorEmail,
            ["GIT_COMMITTER_NAME"] = config.AuthorName,
            ["GIT_COMMITTER_EMAIL"] = config.AuthorEmail,
        };
        await git.RunCheckedAsync(root, ["-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message], log, cancellationToken, identity);
        var sha = await git.RunCheckedAsync(root, ["rev-parse", "HEAD"], log, cancellationToken);
        log.Info($"git commit: {sha} in {root}");
        return sha;
    }

    private async Task StageAsync(string directory, IReadOnlyList<string> pathspecs, IRunLog log, CancellationToken cancellationToken)
    {
        // 'git add' refuses a pathspec that matches nothing, which is what a deleted, never-committed file is;
        // deletions go through 'rm --cached --ignore-unmatch' instead.
        var present = pathspecs.Where(p => Path.Exists(Path.Combine(directory, p))).ToList();
        var gone = pathspecs.Where(p => !Path.Exists(Path.Combine(directory, p))).ToList();
        foreach (var chunk in present.Chunk(Batch))
        {
            await git.RunCheckedAsync(directory, ["--literal-pathspecs", "add", "--all", "--", .. chunk], log, cancellationToken);
        }

        foreach (var chunk in gone.Chunk(Batch))
        {
            await git.RunCheckedAsync(directory, ["--literal-pathspecs", "rm", "--cached", "-r", "--quiet", "--ignore-unmatch", "--", .. chunk], log, cancellationToken);
        }
    }
}
