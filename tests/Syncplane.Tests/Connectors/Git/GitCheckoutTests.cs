using Syncplane.Connectors.Git;

namespace Syncplane.Tests.Connectors.Git;

public sealed class GitCheckoutTests : IDisposable
{
    private readonly GitTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task UpdateAsync_FirstRun_ClonesShallowCheckoutOfRemoteHead()
    {
        _bed.Upstream.Commit("one", ("docs/a.md", "a1"));
        var head = _bed.Upstream.Commit("two", ("docs/a.md", "a2"), ("pmo.yaml", "p"));
        var source = _bed.Source(_bed.Options());

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(head, sha);
        Assert.Equal("a2", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "docs/a.md")));
        Assert.Equal("true", _bed.InClone(source, "rev-parse", "--is-shallow-repository"));
        Assert.Equal("1", _bed.InClone(source, "rev-list", "--count", "HEAD"));
        Assert.Equal(Path.Combine(_bed.Dir["state"], "targets", "docs", "repo"), source.RepositoryDirectory);
    }

    [Fact]
    public async Task UpdateAsync_SecondRun_FetchesNewCommitAndDiscardsLocalChanges()
    {
        _bed.Upstream.Commit("one", ("a.txt", "a1"), ("gone.txt", "g"));
        var source = _bed.Source(_bed.Options());
        await source.UpdateAsync(CancellationToken.None);
        File.WriteAllText(Path.Combine(source.RepositoryDirectory, "a.txt"), "edited locally");
        File.WriteAllText(Path.Combine(source.RepositoryDirectory, "stray.txt"), "untracked");
        var head = _bed.Upstream.Commit("two", ("a.txt", "a2"), ("gone.txt", null), ("b.txt", "b"));

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(head, sha);
        Assert.Equal("a2", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "a.txt")));
        Assert.True(File.Exists(Path.Combine(source.RepositoryDirectory, "b.txt")));
        Assert.False(File.Exists(Path.Combine(source.RepositoryDirectory, "gone.txt")));
        Assert.False(File.Exists(Path.Combine(source.RepositoryDirectory, "stray.txt")));
        Assert.Contains(_bed.Log.Lines, l => l.Message.StartsWith("$ git fetch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_Branch_ChecksOutThatBranch()
    {
        _bed.Upstream.Commit("main", ("f.txt", "main"));
        _bed.Upstream.Run(["checkout", "--quiet", "-b", "release"]);
        var release = _bed.Upstream.Commit("release", ("f.txt", "release"));
        _bed.Upstream.Run(["checkout", "--quiet", "main"]);
        var source = _bed.Source(_bed.Options(o => o with { Branch = "release" }));

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(release, sha);
        Assert.Equal("release", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "f.txt")));
    }

    [Fact]
    public async Task UpdateAsync_AnnotatedTag_ChecksOutTaggedCommit()
    {
        var tagged = _bed.Upstream.Commit("v1", ("f.txt", "v1"));
        _bed.Upstream.Run(["tag", "-a", "v1.0", "-m", "release 1.0"]);
        _bed.Upstream.Commit("later", ("f.txt", "later"));
        var source = _bed.Source(_bed.Options(o => o with { Tag = "v1.0" }));

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(tagged, sha);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "f.txt")));
    }

    [Fact]
    public async Task UpdateAsync_Commit_ChecksOutThatCommit()
    {
        var pinned = _bed.Upstream.Commit("pinned", ("f.txt", "pinned"));
        _bed.Upstream.Commit("later", ("f.txt", "later"));
        var source = _bed.Source(_bed.Options(o => o with { Commit = pinned }));

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(pinned, sha);
        Assert.Equal("pinned", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "f.txt")));
    }

    [Fact]
    public async Task UpdateAsync_ServerRefusesFetchBySha_FallsBackToFetchingBranches()
    {
        var pinned = _bed.Upstream.Commit("pinned", ("f.txt", "pinned"));
        _bed.Upstream.Commit("later", ("f.txt", "later"));
        // Protocol v0 without allowReachableSHA1InWant refuses a want for a commit that is not a ref tip.
        _bed.Environment["GIT_CONFIG_COUNT"] = "1";
        _bed.Environment["GIT_CONFIG_KEY_0"] = "protocol.version";
        _bed.Environment["GIT_CONFIG_VALUE_0"] = "0";
        var source = _bed.Source(_bed.Options(o => o with { Commit = pinned }));

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(pinned, sha);
        Assert.Contains(_bed.Log.Lines, l => l.Message.Contains("did not serve commit", StringComparison.Ordinal));
        Assert.Equal("pinned", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "f.txt")));
    }

    [Fact]
    public async Task UpdateAsync_DepthZeroAfterShallowClone_FetchesFullHistory()
    {
        for (var i = 0; i < 4; i++)
        {
            _bed.Upstream.Commit($"c{i}", ("f.txt", $"{i}"));
        }

        await _bed.Source(_bed.Options()).UpdateAsync(CancellationToken.None);
        var full = _bed.Source(_bed.Options(o => o with { Depth = 0 }));

        await full.UpdateAsync(CancellationToken.None);

        Assert.Equal("4", _bed.InClone(full, "rev-list", "--count", "HEAD"));
        Assert.Equal("false", _bed.InClone(full, "rev-parse", "--is-shallow-repository"));
    }

    [Fact]
    public async Task UpdateAsync_StaleLockFromKilledGit_StillUpdates()
    {
        _bed.Upstream.Commit("one", ("f.txt", "1"));
        var source = _bed.Source(_bed.Options());
        await source.UpdateAsync(CancellationToken.None);
        File.WriteAllText(Path.Combine(source.RepositoryDirectory, ".git", "index.lock"), "");
        var head = _bed.Upstream.Commit("two", ("f.txt", "2"));

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(head, sha);
        Assert.Equal("2", File.ReadAllText(Path.Combine(source.RepositoryDirectory, "f.txt")));
    }

    [Fact]
    public async Task UpdateAsync_UnusableClone_ClonesAfresh()
    {
        var head = _bed.Upstream.Commit("one", ("f.txt", "1"));
        var source = _bed.Source(_bed.Options());
        await source.UpdateAsync(CancellationToken.None);
        _bed.InClone(source, "remote", "remove", "origin");

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(head, sha);
        Assert.Contains(_bed.Log.Lines, l => l.Message.Contains("cloning afresh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_MissingBranch_ThrowsGitExceptionWithUrlAsWritten()
    {
        _bed.Upstream.Commit("one", ("f.txt", "x"));
        var source = _bed.Source(_bed.Options(o => o with { Branch = "no-such-branch" }));

        var ex = await Assert.ThrowsAsync<GitException>(() => source.UpdateAsync(CancellationToken.None));

        Assert.Contains("git fetch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refs/heads/no-such-branch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_LogsCommandsWithUrlAsWrittenInConfig()
    {
        _bed.Upstream.Commit("one", ("f.txt", "x"));
        var source = _bed.Source(_bed.Options());

        await source.UpdateAsync(CancellationToken.None);

        Assert.Contains(_bed.Log.Lines, l => l.Message == "$ git remote add origin ../upstream");
        Assert.DoesNotContain(_bed.Log.Lines, l => l.Message.StartsWith('$') && l.Message.Contains(_bed.Upstream.Path, StringComparison.Ordinal));
    }
}
