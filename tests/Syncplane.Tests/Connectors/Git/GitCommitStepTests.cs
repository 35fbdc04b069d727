using Syncplane.Config;
using Syncplane.Connectors.Git;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Git;

public sealed class GitCommitStepTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly GitTestBed _bed = new();
    private readonly TestGitRepository _work;
    private readonly GitCommitStep _step;

    public GitCommitStepTests()
    {
        _work = TestGitRepository.Init(_bed.Dir["work"], _bed.Home);
        _work.Commit("initial", ("README.md", "readme"));
        _step = new GitCommitStep(_bed.Git, new FixedClock(Now));
    }

    public void Dispose() => _bed.Dispose();

    private string Docs => Path.Combine(_work.Path, "portal", "docs");

    [Fact]
    public async Task CommitAsync_NoGitIdentityConfigured_CommitsAsConfiguredAuthorWithTemplate()
    {
        var noIdentity = await _bed.Git.RunAsync(_work.Path, ["config", "user.name"], _bed.Log, CancellationToken.None);
        Assert.NotEqual(0, noIdentity.ExitCode);
        Write("portal/docs/a.md", "a");
        var config = new GitCommitConfig { Message = "sync {target} at {datetime} from {source_sha}", AuthorName = "Sync Bot", AuthorEmail = "bot@example.invalid" };

        var sha = await Commit(config, Docs, [], new() { ["target"] = "lz-docs", ["source_sha"] = "" });

        Assert.NotNull(sha);
        Assert.Equal(sha, _work.Run(["rev-parse", "HEAD"]));
        Assert.Equal("Sync Bot <bot@example.invalid>|Sync Bot <bot@example.invalid>|sync lz-docs at 2026-01-02T03:04:05Z from n/a",
            _work.Run(["log", "-1", "--format=%an <%ae>|%cn <%ce>|%s"]));
        Assert.Equal("portal/docs/a.md", _work.Run(["show", "--name-only", "--format=", "HEAD"]));
    }

    [Fact]
    public async Task CommitAsync_NothingChanged_ReturnsNullAndMakesNoCommit()
    {
        var before = _work.Run(["rev-parse", "HEAD"]);

        var sha = await Commit(new GitCommitConfig(), _work.Path, [], []);

        Assert.Null(sha);
        Assert.Equal(before, _work.Run(["rev-parse", "HEAD"]));
    }

    [Fact]
    public async Task CommitAsync_Pathspecs_StagesOnlyThose()
    {
        Write("portal/docs/a.md", "a");
        Write("portal/docs/b.md", "b");
        Write("notes.txt", "not ours");

        await Commit(new GitCommitConfig(), Docs, ["a.md"], new() { ["target"] = "t", ["source_sha"] = "abc" });

        Assert.Equal("portal/docs/a.md", _work.Run(["show", "--name-only", "--format=", "HEAD"]));
        Assert.Contains("?? notes.txt", _work.Run(["status", "--porcelain"]), StringComparison.Ordinal);
        Assert.Equal("syncplane: sync t at 2026-01-02T03:04:05Z from abc", _work.Run(["log", "-1", "--format=%s"]));
    }

    [Fact]
    public async Task CommitAsync_DeletedAndNeverTrackedPaths_CommitsTheDeletionWithoutError()
    {
        _work.Commit("docs", ("portal/docs/old.md", "old"), ("portal/docs/keep.md", "keep"));
        File.Delete(Path.Combine(Docs, "old.md"));
        Write("portal/docs/[literal]*.md", "odd name");

        var sha = await Commit(new GitCommitConfig(), Docs, ["old.md", "never-existed.md", "[literal]*.md"], []);

        Assert.NotNull(sha);
        var changed = _work.Run(["show", "--name-status", "--format=", "HEAD"]).Split('\n');
        Assert.Equal(["A\tportal/docs/[literal]*.md", "D\tportal/docs/old.md"], changed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CommitAsync_NotInAWorkTree_ThrowsClearError()
    {
        var outside = _bed.Dir["outside"];
        System.IO.Directory.CreateDirectory(outside);

        var ex = await Assert.ThrowsAsync<GitException>(() => Commit(new GitCommitConfig(), outside, [], []));

        Assert.Contains("is not inside a git work tree", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitAsync_Push_UpdatesRemoteBranch()
    {
        var remote = TestGitRepository.Init(_bed.Dir["remote.git"], _bed.Home, bare: true);
        _work.Run(["remote", "add", "origin", remote.Path]);
        Write("portal/docs/a.md", "a");

        var sha = await Commit(new GitCommitConfig { Push = true }, Docs, [], []);

        Assert.Equal(sha, remote.Run(["rev-parse", "refs/heads/main"]));
    }

    [Fact]
    public async Task CommitAsync_PushToNamedBranch_CreatesIt()
    {
        var remote = TestGitRepository.Init(_bed.Dir["remote.git"], _bed.Home, bare: true);
        _work.Run(["remote", "add", "mirror", remote.Path]);
        Write("portal/docs/a.md", "a");

        var sha = await Commit(new GitCommitConfig { Push = true, Remote = "mirror", Branch = "sync/docs" }, Docs, [], []);

        Assert.Equal(sha, remote.Run(["rev-parse", "refs/heads/sync/docs"]));
    }

    [Fact]
    public void Message_SeedTemplate_DateIsTheDayAsDateDashI()
    {
        // Seed 001: git commit -m "chore(sync): update from landing zone [$(date -I)]"
        Assert.Equal("chore(sync): update from landing zone [2026-01-02]", _step.Message("chore(sync): update from landing zone [{date}]", new Dictionary<string, string>()));
        Assert.Equal("at 2026-01-02T03:04:05Z", _step.Message("at {datetime}", new Dictionary<string, string>()));
    }

    [Fact]
    public void Message_UnknownPlaceholder_IsLeftAsWritten()
    {
        Assert.Equal("x {unknown} n/a", _step.Message("x {unknown} {source_sha}", new Dictionary<string, string>()));
    }

    private async Task<string?> Commit(GitCommitConfig config, string path, IReadOnlyList<string> pathspecs, Dictionary<string, string> values) =>
        (await _step.CommitAsync(config, path, pathspecs.Count == 0 ? null : pathspecs, values, _bed.Log, CancellationToken.None)).Commit;

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_work.Path, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
