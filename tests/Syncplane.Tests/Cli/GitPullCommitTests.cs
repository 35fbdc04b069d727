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
        var upstream = GitRepo.Create(_dir.Combine("upstream"), new Dictionary<string, string>
        {
            ["docs/guide.md"] = "# Guide",
            ["docs/api/index.md"] = "# API",
            ["src/main.c"] = "int main(){}",
        });
        var site = GitRepo.Create(_dir.Combine("site"), new Dictionary<string, string> { ["README.md"] = "site" });
        _dir.Write("site/syncplane.yaml", $$"""
            targets:
              lz-docs:
                direction: pull
                source: { git: { url: "{{upstream}}", branch: main, paths: ["docs/**"] } }
                destination: { directory: { path: content/lz } }
                git_commit: { message: "docs from {source_sha}", author_name: Sync Bot, author_email: bot@example.com }
            """);
        GitRepo.Run(site, "add", "syncplane.yaml");
        GitRepo.Run(site, "commit", "-q", "-m", "config");
        var noIdentity = new Dictionary<string, string>
        {
            ["HOME"] = _dir.Combine("empty-home"),
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["XDG_CONFIG_HOME"] = _dir.Combine("empty-home"),
        };
        Directory.CreateDirectory(_dir.Combine("empty-home"));
        var head = GitRepo.Run(site, "rev-parse", "HEAD");

        var first = await SyncplaneCli.RunAsync(site, noIdentity, "run", "--ci");
        var afterFirst = GitRepo.Run(site, "rev-parse", "HEAD");
        var second = await SyncplaneCli.RunAsync(site, noIdentity, "run", "--ci");
        var afterSecond = GitRepo.Run(site, "rev-parse", "HEAD");
        var newSha = GitRepo.Commit(upstream, new Dictionary<string, string> { ["docs/guide.md"] = "# Guide v2" }, "v2");
        var third = await SyncplaneCli.RunAsync(site, noIdentity, "run", "--ci");

        Assert.True(first.ExitCode == 0, first.All);
        Assert.NotEqual(head, afterFirst);
        Assert.Equal("Sync Bot <bot@example.com>", GitRepo.Run(site, "log", "-1", "--format=%an <%ae>", afterFirst));
        Assert.Equal(["content/lz/docs/api/index.md", "content/lz/docs/guide.md"], GitRepo.Run(site, "show", "--name-only", "--format=", afterFirst).Split('\n').Order(StringComparer.Ordinal));
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(0, third.ExitCode);
        Assert.Equal($"docs from {newSha}", GitRepo.Run(site, "log", "-1", "--format=%s"));
        Assert.Equal("# Guide v2", File.ReadAllText(Path.Combine(site, "content/lz/docs/guide.md")));
        Assert.False(File.Exists(Path.Combine(site, "content/lz/src/main.c")));
    }
}
