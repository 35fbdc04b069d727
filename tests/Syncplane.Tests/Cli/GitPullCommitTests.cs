using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>Seed 004 "Git-Aware: automatic commit for PULL", from a real upstream repository into a real work tree.</summary>
public class GitPullCommitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Pull_CommitsOnlyWhenSomethingChanged_WithConfiguredAuthor_OnAMachineWithoutGitIdentity()
    {
        var home = _dir.Combine("empty-home");
        Directory.CreateDirectory(home);
        var upstream = TestGitRepository.Init(_dir.Combine("upstream"), home);
        upstream.Commit("initial", ("docs/guide.md", "# Guide"), ("docs/api/index.md", "# API"), ("src/main.c", "int main(){}"));
        var repo = TestGitRepository.Init(_dir.Combine("site"), home);
        repo.Commit("initial", ("README.md", "site"));
        var site = repo.Path;
        _dir.Write("site/syncplane.yaml", $$"""
            targets:
              lz-docs:
                direction: pull
                source: { git: { url: "{{upstream.Path}}", branch: main, paths: ["docs/**"] } }
                destination: { directory: { path: content/lz } }
                git_commit: { message: "docs from {source_sha}", author_name: Sync Bot, author_email: bot@example.com }
            """);
        repo.Commit("config");
        var noIdentity = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["XDG_CONFIG_HOME"] = home,
        };
        var head = repo.Run(["rev-parse", "HEAD"]);

        var first = await SyncplaneCli.RunAsync(site, noIdentity, "run", "--ci");
        var afterFirst = repo.Run(["rev-parse", "HEAD"]);
        var second = await SyncplaneCli.RunAsync(site, noIdentity, "run", "--ci");
        var afterSecond = repo.Run(["rev-parse", "HEAD"]);
        var newSha = upstream.Commit("v2", ("docs/guide.md", "# Guide v2"));
        var third = await SyncplaneCli.RunAsync(site, noIdentity, "run", "--ci");

        Assert.True(first.ExitCode == 0, first.All);
        Assert.NotEqual(head, afterFirst);
        Assert.Equal("Sync Bot <bot@example.com>", repo.Run(["log", "-1", "--format=%an <%ae>", afterFirst]));
        Assert.Equal(["content/lz/docs/api/index.md", "content/lz/docs/guide.md"], repo.Run(["show", "--name-only", "--format=", afterFirst]).Split('\n').Order(StringComparer.Ordinal));
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(0, third.ExitCode);
        Assert.Equal($"docs from {newSha}", repo.Run(["log", "-1", "--format=%s"]));
        Assert.Equal("# Guide v2", File.ReadAllText(Path.Combine(site, "content/lz/docs/guide.md")));
        Assert.False(File.Exists(Path.Combine(site, "content/lz/src/main.c")));
    }
}
