namespace Syncplane.Connectors.Git;

/// <summary>What the git_commit step did.</summary>
/// <param name="Commit">The commit it made (as pushed, after any rebase), or null when nothing changed.</param>
/// <param name="Pushed">What it pushed ("2 commit(s) to origin main"), or null when it pushed nothing.</param>
internal sealed record GitCommitResult(string? Commit, string? Pushed)
{
    /// <summary>The run message's suffix: ", committed 1a2b3c4d5e6f, pushed 1 commit(s) to origin main", or "".</summary>
    public string Describe() =>
        (Commit is null ? "" : $", committed {Commit[..Math.Min(12, Commit.Length)]}") + (Pushed is null ? "" : $", pushed {Pushed}");
}
