using System.Globalization;
using Syncplane.Connectors.Git;

namespace Syncplane.Checks;

/// <summary>
/// A local repository against its remote, like the seed's Git Sync: fetches, then reports the current branch,
/// uncommitted changes and the ahead/behind counts. Healthy in sync and clean; degraded when behind, ahead,
/// dirty or on another branch; down when diverged, or when git or the fetch fails. With
/// <c>fast_forward: true</c> it fast-forwards, only when behind, not ahead, clean and on the branch.
/// </summary>
internal sealed class GitCheck : ICheck
{
    public string Kind => CheckKinds.Git;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (GitCheckOptions)check.Options;
        var git = new GitCli(context.Processes) { Timeout = check.Timeout };
        var details = new Dictionary<string, string>();
        if (!Directory.Exists(options.Path))
        {
            return Failed(details, $"{options.Path} does not exist");
        }

        // A symbolic link is followed once, so every git command of this probe reads the same repository even
        // when the link is switched meanwhile (a fetch in one and the counts in another would be a false state).
        var repository = new DirectoryInfo(options.Path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? options.Path;
        async Task<string> Git(params string[] arguments) =>
            await git.RunCheckedAsync(repository, arguments, DiscardingRunLog.Instance, cancellationToken);

        string current;
        try
        {
            current = await Git("rev-parse", "--abbrev-ref", "HEAD");
        }
        catch (GitException ex)
        {
            return Failed(details, $"{options.Path} is not a git work tree: {ex.Message}");
        }

        var branch = options.Branch ?? current;
        details["branch"] = current;
        details["remote"] = $"{options.Remote}/{branch}";
        var changes = (await Git("status", "--porcelain")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        details["uncommitted_changes"] = Text(changes);
        if (options.Fetch)
        {
            try
            {
                await Git("fetch", "--quiet", options.Remote);
                details["fetched"] = "true";
            }
            catch (GitException ex)
            {
                return Failed(details, $"fetch from {options.Remote} failed: {ex.Message}");
            }
        }

        var (ahead, behind) = await CountAsync(Git, details);
        if (ahead < 0)
        {
            return Failed(details, $"{options.Remote}/{branch} does not exist{(options.Fetch ? "" : " (fetch is off)")}");
        }

        var onBranch = current == branch;
        if (options.FastForward && behind > 0)
        {
            if (ahead == 0 && changes == 0 && onBranch)
            {
                await Git("merge", "--ff-only", "--quiet", $"{options.Remote}/{branch}");
                details["fast_forwarded"] = Text(behind);
                (ahead, behind) = await CountAsync(Git, details);
            }
            else
            {
                details["fast_forward_skipped"] = ahead > 0 ? "local commits" : changes > 0 ? "uncommitted changes" : $"on branch {current}, not {branch}";
            }
        }

        return Describe(options, current, branch, ahead, behind, changes, details);
    }

    private static CheckOutcome Describe(GitCheckOptions options, string current, string branch, int ahead, int behind, int changes, Dictionary<string, string> details)
    {
        var target = $"{options.Remote}/{branch}";
        var dirty = changes > 0 ? $", {changes} uncommitted change(s)" : ", clean";
        var (status, state, message) = (ahead, behind) switch
        {
            ( > 0, > 0) => (CheckStatus.Down, "Diverged", $"diverged from {target}: {ahead} ahead, {behind} behind"),
            ( > 0, _) => (CheckStatus.Degraded, "Ahead", $"{ahead} commit(s) ahead of {target}"),
            (_, > 0) => (CheckStatus.Degraded, "Behind", $"{behind} commit(s) behind {target}"),
            _ when details.TryGetValue("fast_forwarded", out var n) => (CheckStatus.Healthy, "Synced", $"fast-forwarded {n} commit(s) to {target}"),
            _ => (CheckStatus.Healthy, "Synced", $"in sync with {target}"),
        };
        if (status == CheckStatus.Healthy && changes > 0)
        {
            (status, state) = (CheckStatus.Degraded, "Dirty");
        }

        if (status == CheckStatus.Healthy && current != branch)
        {
            (status, state) = (CheckStatus.Degraded, "OtherBranch");
        }

        details["state"] = state;
        return new CheckOutcome(status, $"{message} (branch {current}{dirty})", details);
    }

    // Returns (-1, -1) when the remote-tracking branch does not exist.
    private static async Task<(int Ahead, int Behind)> CountAsync(Func<string[], Task<string>> git, Dictionary<string, string> details)
    {
        var remoteRef = details["remote"];
        string counts;
        try
        {
            await git(["rev-parse", "--verify", "--quiet", $"refs/remotes/{remoteRef}"]);
            counts = await git(["rev-list", "--left-right", "--count", $"HEAD...{remoteRef}"]);
        }
        catch (GitException)
        {
            return (-1, -1);
        }

        var parts = counts.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        var ahead = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var behind = int.Parse(parts[1], CultureInfo.InvariantCulture);
        details["ahead"] = Text(ahead);
        details["behind"] = Text(behind);
        return (ahead, behind);
    }

    private static CheckOutcome Failed(Dictionary<string, string> details, string message)
    {
        details["state"] = "Failed";
        return new CheckOutcome(CheckStatus.Down, message, details);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
