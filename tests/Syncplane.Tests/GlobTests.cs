using Syncplane.Planning;

namespace Syncplane.Tests;

public class GlobTests
{
    [Theory]
    [InlineData("docs/**", "docs/a.md", true)]
    [InlineData("docs/**", "docs/x/y/z.md", true)]
    [InlineData("docs/**", "other/a.md", false)]
    [InlineData("**/*.md", "a.md", true)]
    [InlineData("**/*.md", "x/y/a.md", true)]
    [InlineData("*.md", "x/a.md", false)]
    [InlineData("oca_*", "oca_repos", true)]
    [InlineData("{a,b}/*.txt", "b/x.txt", true)]
    [InlineData("file[0-9].txt", "file7.txt", true)]
    [InlineData("file[!0-9].txt", "file7.txt", false)]
    [InlineData(".git", ".git", true)]
    [InlineData(".git", "a/.git", false)]
    [InlineData("./a/b.txt", "a/b.txt", true)]
    [InlineData("a/b.txt", "x/a/b.txt", false)]
    [InlineData("**/.git", ".git", true)]
    [InlineData("**/.git", "deep/er/.git", true)]
    [InlineData("**/.git", "deep/a.git", false)]
    [InlineData("**/.git", "a.git", false)]
    [InlineData("**/.git", ".git/config", false)]
    [InlineData("**/a/b", "x/a/b", true)]
    [InlineData("**/a/b", "xa/b", false)]
    public void IsMatch_MatchesWholeKeys(string pattern, string key, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch(key));

    [Theory]
    [InlineData("docs/[abc")]
    [InlineData("docs/[")]
    [InlineData("[")]
    [InlineData("a**b")]
    [InlineData("{a,b")]
    [InlineData("/abs/path")]
    [InlineData("file[z-a].txt")]
    public void TryParse_RejectsBadPatterns(string pattern) =>
        Assert.False(Glob.TryParse(pattern, out _, out _));

    [Fact]
    public void TryParse_ReversedRange_SaysWhy()
    {
        Assert.False(Glob.TryParse("file[z-a].txt", out _, out var why));
        Assert.Equal("[x-y] range in reverse order", why);
    }

    [Fact]
    public async Task IsMatch_ManyDoubleStarsAgainstADeepKey_Finishes()
    {
        // A backtracking regex tries every way to spread 24 '**/' over 40 directories: days, not microseconds.
        var glob = Glob.Parse(string.Concat(Enumerable.Repeat("**/", 24)) + "x");
        var key = string.Concat(Enumerable.Repeat("d/", 40)) + "y";

        var matched = await Task.Run(() => glob.IsMatch(key)).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(matched);
        Assert.True(glob.IsMatch(string.Concat(Enumerable.Repeat("d/", 40)) + "x"));
    }

    [Theory]
    [InlineData("README.md", "src", false)]
    [InlineData("docs/**", "docs", true)]
    [InlineData("docs/**", "docs/a/b", true)]
    [InlineData("docs/**", "src", false)]
    [InlineData("docs/*.md", "docs", true)]
    [InlineData("docs/*.md", "docs/sub", false)]
    [InlineData("**/*.md", "any/where", true)]
    [InlineData("*/api/*.md", "v1", true)]
    [InlineData("*/api/*.md", "v1/web", false)]
    public void CouldMatchUnder_PrunesOnlyDirectoriesThatCannotHoldAMatch(string pattern, string directory, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).CouldMatchUnder(directory));
}
