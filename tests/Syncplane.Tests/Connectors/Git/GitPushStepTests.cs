using Syncplane.Config;
using Syncplane.Connectors.Git;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Git;

/// <summary>
/// git_commit with push against a real bare remote that someone else also pushes to (a second clone): the
/// remote ends with our commit, or the step fails and says why.
/// </summary>
public sealed class GitPushStepTests : IDisposable
{
    private static readonly GitCommitConfig Push = new() { Push = true, AuthorName = "Sync Bot", AuthorEmail = "bot@example.invalid" };
    private readonly GitTestBed _bed = new();
    private readonly TestGitRepository _remote;
    private readonly TestGitRepository _portal;
    private readonly TestGitRepository _human;
    private readonly GitCommitStep _step;

    public GitPushStepTests()
    {
        _remote = TestGitRepository.Init(_bed.Dir["portal.git"], _bed.Home, bare: true);
        _portal = TestGitRepository.Init(_bed.Dir["portal"], _bed.Home);
        _portal.Commit("initial", ("README.md", "portal"), ("docs/guide.md", "v1"));
        _portal.Run(["remote", "add", "origin", _remote.Path]);
        _portal.Run(["push", "--quiet", "origin", "main"]);
        _human = TestGitRepository.Clone(_remote.Path, _bed.Dir["human"], _bed.Home);
        _step = new GitCommitStep(_bed.Git, TimeProvider.System);
    }

    public void Dispose() => _bed.Dispose();

    private string RemoteMain => _remote.Run(["rev-parse", "refs/heads/main"]);

    [Fact]
    public async Task CommitAsync_SomeoneElsePushedOtherFiles_RebasesOntoThemAndPushes()
    {
        var human = _human.Commit("news", ("news.md", "by hand"));
        _human.Run(["push", "--quiet", "origin", "main"]);
        Write("docs/guide.md", "v2");

        var result = await Commit(Push);

        Assert.Equal(RemoteMain, result.Commit);
        Assert.Equal(human, _remote.Run(["rev-parse", "main^"]));
        Assert.Equal("v2|by hand", _remote.Run(["show", "main:docs/guide.md"]) + "|" + _remote.Run(["show", "main:news.md"]));
        Assert.Equal("Sync Bot <bot@example.invalid>", _remote.Run(["log", "-1", "--format=%an <%ae>", "main"]));
        Assert.Equal("1 commit(s) to origin main", result.Pushed);
    }

    [Fact]
    public async Task CommitAsync_SomeoneElseChangedTheSameFile_FailsNamingItAndLeavesTheRemoteUntouched()
    {
        _human.Commit("fix guide by hand", ("docs/guide.md", "human edit"));
        _human.Run(["push", "--quiet", "origin", "main"]);
        var human = RemoteMain;
        Write("docs/guide.md", "v2");

        var ex = await Assert.ThrowsAsync<GitException>(() => Commit(Push));

        Assert.Contains("'docs/guide.md'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("git pull --rebase origin main", ex.Message, StringComparison.Ordinal);
        Assert.Equal(human, RemoteMain);
        Assert.Equal("v2", File.ReadAllText(Path.Combine(_portal.Path, "docs/guide.md")));
        Assert.False(System.IO.Directory.Exists(Path.Combine(_portal.Path, ".git", "rebase-merge")));
        // Still unpushed, so the next run fails again rather than reporting success.
        await Assert.ThrowsAsync<GitException>(() => Commit(Push));
    }

    [Fact]
    public async Task CommitAsync_UncommittedChangesWhenTheRemoteMoved_FailsNamingThemAndPushesNothing()
    {
        _human.Commit("news", ("news.md", "by hand"));
        _human.Run(["push", "--quiet", "origin", "main"]);
        var human = RemoteMain;
        Write("README.md", "edited, not committed");
        Write("docs/guide.md", "v2");

        var ex = await Assert.ThrowsAsync<GitException>(() => _step.CommitAsync(Push, Path.Combine(_portal.Path, "docs"), null, new Dictionary<string, string>(), _bed.Log, CancellationToken.None));

        Assert.Contains("uncommitted changes to 'README.md'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(human, RemoteMain);
        Assert.Equal("edited, not committed", File.ReadAllText(Path.Combine(_portal.Path, "README.md")));
    }

    [Fact]
    public async Task CommitAsync_NothingNewButAnEarlierCommitUnpushed_PushesIt()
    {
        var earlier = _portal.Commit("synced, push failed", ("docs/guide.md", "v2"));

        var first = await Commit(Push);
        var second = await Commit(Push);

        Assert.Null(first.Commit);
        Assert.Equal("1 commit(s) to origin main", first.Pushed);
        Assert.Equal(earlier, RemoteMain);
        Assert.Equal(new GitCommitResult(null, null), second);
    }

    [Fact]
    public async Task CommitAsync_NoPathspecs_CommitsNothingButPushesAnEarlierCommit()
    {
        var earlier = _portal.Commit("an entrypoint's outputs, push failed", ("docs/guide.md", "v2"));
        Write("notes.md", "staged by a human");
        _portal.Run(["add", "notes.md"]);

        var result = await _step.CommitAsync(Push, _portal.Path, [], new Dictionary<string, string>(), _bed.Log, CancellationToken.None);

        Assert.Equal(new GitCommitResult(null, "1 commit(s) to origin main"), result);
        Assert.Equal(earlier, RemoteMain);
        Assert.Equal("A  notes.md", _portal.Run(["status", "--porcelain"]));
    }

    [Fact]
    public async Task CommitAsync_PushRefusedByAHook_FailsWithGitsMessageWithoutTheUrlsToken()
    {
        _remote.RefusePushes("policy: ask https://bot:s3cret-token@example.com/access");
        var before = RemoteMain;
        Write("docs/guide.md", "v2");

        var ex = await Assert.ThrowsAsync<GitException>(() => Commit(Push));

        Assert.Contains("pre-receive hook declined", ex.Message, StringComparison.Ordinal);
        Assert.Contains("policy: ask https://***@example.com/access", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token", ex.Message + _bed.Log.Text, StringComparison.Ordinal);
        Assert.Equal(before, RemoteMain);
    }

    [Fact]
    public async Task CommitAsync_DetachedHead_NeedsABranchAndPushesToIt()
    {
        _portal.Run(["checkout", "--quiet", "--detach"]);
        _human.Commit("news", ("news.md", "by hand"));
        _human.Run(["push", "--quiet", "origin", "main"]);
        Write("docs/guide.md", "v2");

        var ex = await Assert.ThrowsAsync<GitException>(() => Commit(Push));
        var result = await Commit(Push with { Branch = "main" });

        Assert.Contains("detached HEAD", ex.Message, StringComparison.Ordinal);
        Assert.Null(result.Commit); // committed by the first call, which then could not push
        Assert.Equal(_portal.Run(["rev-parse", "HEAD"]), RemoteMain);
        Assert.Equal("v2|by hand", _remote.Run(["show", "main:docs/guide.md"]) + "|" + _remote.Run(["show", "main:news.md"]));
    }

    private Task<GitCommitResult> Commit(GitCommitConfig config) =>
        _step.CommitAsync(config, _portal.Path, null, new Dictionary<string, string> { ["target"] = "docs" }, _bed.Log, CancellationToken.None);

    private void Write(string relative, string content) => File.WriteAllText(Path.Combine(_portal.Path, relative), content);
}
