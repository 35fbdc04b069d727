using Syncplane.Checks;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

/// <summary>The git check on real repositories: a bare origin, the checked work tree, and another clone that pushes.</summary>
public sealed class GitCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestGitRepository _origin;
    private readonly TestGitRepository _work;
    private readonly TestGitRepository _other;

    public GitCheckTests()
    {
        var home = Directory.CreateDirectory(_directory["home"]).FullName;
        _origin = TestGitRepository.Init(_directory["origin.git"], home, bare: true);
        _work = TestGitRepository.Init(_directory["work"], home);
        _work.Commit("first", ("README.md", "hello\n"));
        _work.Run(["remote", "add", "origin", _origin.Path]);
        _work.Run(["push", "--quiet", "-u", "origin", "main"]);
        _other = TestGitRepository.Init(_directory["other"], home);
        _other.Run(["remote", "add", "origin", _origin.Path]);
        _other.Run(["fetch", "--quiet", "origin"]);
        _other.Run(["reset", "--quiet", "--hard", "origin/main"]);
    }

    public void Dispose() => _directory.Dispose();

    private Task<CheckResult> CheckAsync(string extra = "") =>
        CheckTestBed.RunAsync($"  repo: {{ git: \"{_work.Path}\", remote: origin, branch: main{extra} }}\n", _directory.Path);

    private void PushFromOther(string file)
    {
        _other.Commit("upstream " + file, (file, file));
        _other.Run(["push", "--quiet", "origin", "main"]);
    }

    [Fact]
    public async Task InSyncAndClean_IsHealthy()
    {
        var result = await CheckAsync();

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Equal("Synced", result.Details["state"]);
        Assert.Equal("main", result.Details["branch"]);
        Assert.Equal(("0", "0", "0"), (result.Details["ahead"], result.Details["behind"], result.Details["uncommitted_changes"]));
    }

    [Fact]
    public async Task Behind_IsDegradedAfterTheFetchSeesIt()
    {
        PushFromOther("a.txt");
        PushFromOther("b.txt");

        var result = await CheckAsync();

        Assert.Equal(CheckStatus.Degraded, result.Status);
        Assert.Equal("Behind", result.Details["state"]);
        Assert.Equal("2", result.Details["behind"]);
        Assert.Equal("true", result.Details["fetched"]);
    }

    [Fact]
    public async Task Ahead_IsDegraded()
    {
        _work.Commit("local", ("local.txt", "x"));

        var result = await CheckAsync();

        Assert.Equal(CheckStatus.Degraded, result.Status);
        Assert.Equal("Ahead", result.Details["state"]);
        Assert.Equal("1", result.Details["ahead"]);
    }

    [Fact]
    public async Task Diverged_IsDown_AndFastForwardLeavesItAlone()
    {
        _work.Commit("local", ("local.txt", "x"));
        PushFromOther("remote.txt");
        var head = _work.Run(["rev-parse", "HEAD"]);

        var result = await CheckAsync(", fast_forward: true");

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Equal("Diverged", result.Details["state"]);
        Assert.Equal("local commits", result.Details["fast_forward_skipped"]);
        Assert.Equal(head, _work.Run(["rev-parse", "HEAD"]));
    }

    [Fact]
    public async Task Dirty_IsDegraded()
    {
        File.WriteAllText(Path.Combine(_work.Path, "README.md"), "changed\n");

        var result = await CheckAsync();

        Assert.Equal(CheckStatus.Degraded, result.Status);
        Assert.Equal("Dirty", result.Details["state"]);
        Assert.Equal("1", result.Details["uncommitted_changes"]);
    }

    [Fact]
    public async Task FastForward_WhenBehindAndClean_MovesToTheRemote()
    {
        PushFromOther("a.txt");
        var remoteHead = _other.Run(["rev-parse", "HEAD"]);

        var result = await CheckAsync(", fast_forward: true");

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Equal("1", result.Details["fast_forwarded"]);
        Assert.Equal(remoteHead, _work.Run(["rev-parse", "HEAD"]));
        Assert.True(File.Exists(Path.Combine(_work.Path, "a.txt")));
    }

    [Fact]
    public async Task FastForward_WhenBehindButDirty_DoesNothing()
    {
        PushFromOther("a.txt");
        File.WriteAllText(Path.Combine(_work.Path, "README.md"), "local edit\n");
        var head = _work.Run(["rev-parse", "HEAD"]);

        var result = await CheckAsync(", fast_forward: true");

        Assert.Equal(CheckStatus.Degraded, result.Status);
        Assert.Equal("uncommitted changes", result.Details["fast_forward_skipped"]);
        Assert.Equal(head, _work.Run(["rev-parse", "HEAD"]));
        Assert.Equal("local edit\n", File.ReadAllText(Path.Combine(_work.Path, "README.md")));
    }

    [Fact]
    public async Task FetchFailure_IsDown()
    {
        Directory.Delete(_origin.Path, recursive: true);

        var result = await CheckAsync();

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Equal("Failed", result.Details["state"]);
        Assert.StartsWith("fetch from origin failed", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotARepository_IsDown()
    {
        var result = await CheckTestBed.RunAsync($"  repo: {{ git: \"{_directory["home"]}\" }}\n", _directory.Path);

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Contains("is not a git work tree", result.Message, StringComparison.Ordinal);
    }
}
