using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// <c>git_commit: { push: true }</c> through real <c>syncplane run</c> processes, with a bare portal remote that a
/// human pushes to from a second clone: the remote ends with the update, or the run fails until it does.
/// </summary>
public sealed class GitPullPushTests : IDisposable
{
    private const string Guide = "content/lz/docs/guide.md";
    private readonly TempDirectory _dir = new();
    private readonly TestGitRepository _upstream;
    private readonly TestGitRepository _remote;
    private readonly TestGitRepository _portal;
    private readonly TestGitRepository _human;
    private readonly Dictionary<string, string> _environment;

    public GitPullPushTests()
    {
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        _environment = new() { ["HOME"] = home, ["GIT_CONFIG_NOSYSTEM"] = "1", ["XDG_CONFIG_HOME"] = home };
        _upstream = TestGitRepository.Init(_dir.Combine("upstream"), home);
        _upstream.Commit("initial", ("docs/guide.md", "# Guide"));
        _remote = TestGitRepository.Init(_dir.Combine("portal.git"), home, bare: true);
        _portal = TestGitRepository.Init(_dir.Combine("portal"), home);
        _dir.Write("portal/syncplane.yaml", $$"""
            targets:
              lz-docs:
                direction: pull
                source: { git: { url: "{{_upstream.Path}}", branch: main } }
                destination: { directory: { path: content/lz } }
                git_commit: { push: true, author_name: Sync Bot, author_email: bot@example.com }
            """);
        _dir.Write("portal/.gitignore", ".syncplane/\n");
        _portal.Commit("config");
        _portal.Run(["remote", "add", "origin", _remote.Path]);
        _portal.Run(["push", "--quiet", "origin", "main"]);
        _human = TestGitRepository.Clone(_remote.Path, _dir.Combine("human"), home);
    }

    public void Dispose() => _dir.Dispose();

    private string RemoteMain => _remote.Run(["rev-parse", "refs/heads/main"]);

    [Fact]
    public async Task Run_RemoteMovedByAHumanPush_RebasesAndTheRemoteEndsWithTheUpdate()
    {
        var first = await RunAsync();
        _human.Run(["pull", "--quiet"]);
        var human = _human.Commit("news by hand", ("news.md", "news"));
        _human.Run(["push", "--quiet", "origin", "main"]);
        _upstream.Commit("v2", ("docs/guide.md", "# Guide v2"));

        var second = await RunAsync();

        Assert.True(first.ExitCode == 0, first.All);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Equal("# Guide v2", _remote.Run(["show", $"main:{Guide}"]));
        Assert.Equal("news", _remote.Run(["show", "main:news.md"]));
        Assert.Equal(human, _remote.Run(["rev-parse", "main^"]));
        Assert.Equal(_portal.Run(["rev-parse", "HEAD"]), RemoteMain);
    }

    [Fact]
    public async Task Run_AfterARefusedPush_FailsWithGitsMessage_AndTheNextRunPushesTheUnpushedCommit()
    {
        await RunAsync();
        _upstream.Commit("v2", ("docs/guide.md", "# Guide v2"));
        _remote.RefusePushes("portal is frozen for the release");

        var refused = await RunAsync();
        var stillRefused = await RunAsync();
        _remote.AcceptPushes();
        var after = await RunAsync();

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("portal is frozen for the release", refused.All, StringComparison.Ordinal);
        Assert.Equal(1, stillRefused.ExitCode); // nothing new to commit, but the commit is still not on the remote
        Assert.True(after.ExitCode == 0, after.All);
        Assert.Contains("pushed 1 commit(s) to origin main", after.All, StringComparison.Ordinal);
        Assert.Equal("# Guide v2", _remote.Run(["show", $"main:{Guide}"]));
    }

    [Fact]
    public async Task Run_HumanChangedTheSameFileOnTheRemote_FailsNamingIt_AndLeavesTheRemoteUntouched()
    {
        await RunAsync();
        _human.Run(["pull", "--quiet"]);
        var human = _human.Commit("fix the guide by hand", (Guide, "# Guide, fixed by hand"));
        _human.Run(["push", "--quiet", "origin", "main"]);
        _upstream.Commit("v2", ("docs/guide.md", "# Guide v2"));

        var conflict = await RunAsync();
        var again = await RunAsync();

        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains($"'{Guide}'", conflict.All, StringComparison.Ordinal);
        Assert.Contains("git pull --rebase origin main", conflict.All, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(human, RemoteMain);
    }

    private Task<SyncplaneCli.Result> RunAsync() => SyncplaneCli.RunAsync(_portal.Path, _environment, "run", "--ci");
}
