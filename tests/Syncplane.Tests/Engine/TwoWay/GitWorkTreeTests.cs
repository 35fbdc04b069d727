using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>A bidirectional target between a git work tree (a) and a folder (b) with <c>git_commit</c>: the git side commits what it receives.</summary>
public sealed class GitWorkTreeTests
{
    [Fact]
    public async Task TheWorkTreeCommitsWhatItReceived_AsTheConfiguredAuthor_AndItsGitDirectoryIsNeverCopied()
    {
        await using var bed = await TwoWayBed.CreateAsync("git_commit: { author_name: Sync Bot, author_email: bot@example.com, message: \"two-way {target}\" }");
        var home = bed.Dir.Combine("home");
        Directory.CreateDirectory(home);
        var repo = TestGitRepository.Init(bed.Dir["a"], home);
        repo.Commit("first", ("notes.md", "v1"));
        bed.Write("b", "from-b.txt", "B", minutes: 5);

        var first = await bed.RunAsync(resync: true);

        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        Assert.False(Directory.Exists(bed.Path("b", ".git")));
        Assert.Equal("Sync Bot <bot@example.com>|two-way both", repo.Run(["log", "-1", "--format=%an <%ae>|%s"]));
        Assert.Equal("B", repo.Run(["show", "HEAD:from-b.txt"]));
        Assert.Equal("", repo.Run(["status", "--porcelain"]));

        var head = repo.Run(["rev-parse", "HEAD"]);
        bed.Write("a", "notes.md", "v2 from a", minutes: 9);
        await bed.RunAsync();
        Assert.Equal("v2 from a", bed.Read("b", "notes.md"));
        Assert.Equal(head, repo.Run(["rev-parse", "HEAD"])); // the work tree received nothing: no commit

        bed.Write("a", "notes.md", "from a", minutes: 20);
        bed.Write("b", "notes.md", "from b, later", minutes: 30);
        var conflicted = await bed.RunAsync();

        var keptAs = Assert.Single(conflicted.Plan!.TwoWay!.Conflicts).KeptAs!;
        Assert.Equal("from b, later", repo.Run(["show", "HEAD:notes.md"]));
        Assert.Equal("from a", repo.Run(["show", $"HEAD:{keptAs}"]));
        Assert.Equal("", repo.Run(["status", "--porcelain"]));
        string[] both = ["from-b.txt=B", $"{keptAs}=from a", "notes.md=from b, later"];
        Assert.Equal(both.Order(StringComparer.Ordinal), bed.Tree("a").Where(k => !k.StartsWith(".git", StringComparison.Ordinal)));
        Assert.Equal(both.Order(StringComparer.Ordinal), bed.Tree("b"));
        Assert.Empty((await bed.RunAsync()).Plan!.Changes);
    }

    [Fact]
    public async Task GitCommit_WithNeitherSideInAWorkTree_FailsTheRunWithTheReason()
    {
        await using var bed = await TwoWayBed.CreateAsync("git_commit: true");
        bed.Write("b", "b.txt", "B", minutes: 5);

        var run = await bed.RunAsync(resync: true);

        Assert.NotEqual(RunStatus.Succeeded, run.Status);
        Assert.Contains("neither", run.Message, StringComparison.Ordinal);
        Assert.Null(bed.Read("a", "b.txt")); // nothing was written
    }
}
