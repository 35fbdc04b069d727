using Syncplane.Connectors.Git;
using Syncplane.Planning;

namespace Syncplane.Tests.Connectors.Git;

/// <summary>The git source's snapshot: the checkout read as a directory (needs the directory connector).</summary>
public sealed class GitSourceSnapshotTests : IDisposable
{
    private readonly GitTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task SnapshotAsync_Paths_LimitItemsNeverIncludeGitAndCarryCommitSha()
    {
        var head = _bed.Upstream.Commit("one", ("docs/a.md", "a"), ("docs/api/b.md", "b"), ("pmo.yaml", "p"), ("src/main.c", "c"));
        var source = _bed.Source(_bed.Options(o => o with { Paths = [Glob.Parse("docs/**"), Glob.Parse("pmo.yaml")] }));

        var snapshot = await source.SnapshotAsync(CancellationToken.None);

        Assert.Equal(head, snapshot.Revision);
        var files = snapshot.Items.Values.Where(i => i.Kind == ItemKind.File).Select(i => i.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["docs/a.md", "docs/api/b.md", "pmo.yaml"], files);
        Assert.DoesNotContain(snapshot.Items.Keys, k => k == ".git" || k.StartsWith(".git/", StringComparison.Ordinal) || k.StartsWith("src", StringComparison.Ordinal));
        Assert.Equal(["docs", "docs/api"], snapshot.Items.Values.Where(i => i.Kind == ItemKind.Directory).Select(i => i.Key).Order(StringComparer.Ordinal));
        await using var content = await source.OpenReadAsync(snapshot.Items["docs/api/b.md"], CancellationToken.None);
        Assert.Equal("b", await new StreamReader(content).ReadToEndAsync());
    }

    [Fact]
    public void WithoutEmptyDirectories_KeepsOnlyAncestorsOfFilesAndLinks()
    {
        Item[] items =
        [
            new("docs", ItemKind.Directory, 0, 0), new("docs/api", ItemKind.Directory, 0, 0), new("docs/api/v1", ItemKind.Directory, 0, 0),
            new("docs/api/b.md", ItemKind.File, 1, 0), new("src", ItemKind.Directory, 0, 0), new("link", ItemKind.Symlink, 0, 0, LinkTarget: "docs"),
        ];

        var kept = GitSource.WithoutEmptyDirectories(items).Select(i => i.Key);

        Assert.Equal(["docs", "docs/api", "docs/api/b.md", "link"], kept);
    }

    [Fact]
    public async Task SnapshotAsync_NoPaths_HasEverythingButGitMetadata()
    {
        _bed.Upstream.Commit("one", ("a.txt", "a"), ("dir/b.txt", "b"));
        var source = _bed.Source(_bed.Options());

        var snapshot = await source.SnapshotAsync(CancellationToken.None);

        var files = snapshot.Items.Values.Where(i => i.Kind == ItemKind.File).Select(i => i.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["a.txt", "dir/b.txt"], files);
        Assert.DoesNotContain(snapshot.Items.Keys, k => k.StartsWith(".git", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SnapshotAsync_Root_TakesTheFoldersContentsWithoutItsName()
    {
        _bed.Upstream.Commit("one", ("docs/guide.md", "g"), ("docs/api/index.md", "i"), ("pmo.yaml", "p"));
        var source = _bed.Source(_bed.Options(o => o with { Root = "docs" }));

        var snapshot = await source.SnapshotAsync(CancellationToken.None);

        Assert.Equal(["api", "api/index.md", "guide.md"], snapshot.Items.Keys.Order(StringComparer.Ordinal));
        await using var content = await source.OpenReadAsync(snapshot.Items["api/index.md"], CancellationToken.None);
        Assert.Equal("i", await new StreamReader(content).ReadToEndAsync());
    }

    [Fact]
    public async Task SnapshotAsync_Map_FilesAndFoldersUnderTheirDestinations_LaterEntryWins()
    {
        _bed.Upstream.Commit("one", ("docs/guide.md", "g"), ("docs/RUNBOOKS.md", "old"), ("RUNBOOKS.md", "top"), ("pmo.yaml", "p"), ("src/x.c", "x"));
        var map = new GitPathMap([new("docs", "lz"), new("pmo.yaml", "config/lz-pmo.yaml"), new("RUNBOOKS.md", "lz/RUNBOOKS.md")]);
        var source = _bed.Source(_bed.Options(o => o with { Map = map }));

        var snapshot = await source.SnapshotAsync(CancellationToken.None);

        Assert.Equal(["config/lz-pmo.yaml", "lz/RUNBOOKS.md", "lz/guide.md"], snapshot.Items.Keys.Order(StringComparer.Ordinal));
        await using var content = await source.OpenReadAsync(snapshot.Items["lz/RUNBOOKS.md"], CancellationToken.None);
        Assert.Equal("top", await new StreamReader(content).ReadToEndAsync());
        Assert.True(map.InScope("lz/a/b.md") && map.InScope("config/lz-pmo.yaml"));
        Assert.False(map.InScope("config/app.yaml") || map.InScope("config") || map.InScope("lzx/a.md"));
    }

    [Fact]
    public async Task SnapshotAsync_MappedPathMissing_FailsNamingIt()
    {
        _bed.Upstream.Commit("one", ("docs/guide.md", "g"));
        var source = _bed.Source(_bed.Options(o => o with { Map = new GitPathMap([new("pmo.yaml", "config/lz-pmo.yaml")]) }));

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => source.SnapshotAsync(CancellationToken.None));

        Assert.Contains("'pmo.yaml' is not in", ex.Message, StringComparison.Ordinal);
    }
}
