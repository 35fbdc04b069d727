using System.Text.RegularExpressions;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Seeds;

/// <summary>
/// Seed 001 layers 1 and 2, run from the example in docs/configuration.md as written (only the landing zone's URL and
/// the GitHub API's host swapped for a local repository and a receiver on 127.0.0.1): real `syncplane run` processes,
/// real git repositories, the notifier following the same store.
/// </summary>
public sealed partial class Seed001LiveSyncTests : IAsyncLifetime
{
    private const string DispatchPath = "/repos/kushin77/GCP-landing-zone-Portal/dispatches";
    private readonly TempDirectory _dir = new();
    private NotificationReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await NotificationReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>The seed 001 example of docs/configuration.md.</summary>
    internal static string DocExample()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "configuration.md"));
        var start = text.IndexOf("\n## Seed 001", StringComparison.Ordinal);
        Assert.True(start >= 0, "no seed 001 example in docs/configuration.md");
        return YamlBlock().Match(text[start..]).Groups[1].Value;
    }

    [Fact]
    public async Task SeedJob_FilesLandAtTheSeedsPaths_OneCommitPerChange_DispatchOnlyWhenChanged()
    {
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        var lz = TestGitRepository.Init(_dir.Combine("lz"), home);
        var lzFirst = lz.Commit("lz 1",
            ("docs/guide.md", "# Guide"), ("docs/api/index.md", "# API"), ("pmo.yaml", "pmo: 1\n"),
            ("ENFORCEMENT_GATES.md", "# Gates"), ("RUNBOOKS.md", "# Runbooks"), ("terraform/main.tf", "resource {}"));
        var portal = TestGitRepository.Init(_dir.Combine("portal"), home);
        var yaml = DocExample()
            .Replace("https://github.com/kushin77/GCP-landing-zone.git", lz.Path, StringComparison.Ordinal)
            .Replace("https://api.github.com" + DispatchPath, _receiver.Url(DispatchPath), StringComparison.Ordinal);
        portal.Commit("portal",
            ("README.md", "portal"), ("docs/portal.md", "ours"), ("config/app.yaml", "app: 1\n"), ("syncplane.yaml", yaml), (".gitignore", ".syncplane/\n"));
        var before = portal.Run(["rev-parse", "HEAD"]);

        await using var store = new SqliteSyncStore(Path.Combine(portal.Path, ".syncplane", "syncplane.db"), TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        await using var bed = new NotificationBed(store, TimeProvider.System, new TempDirectory(), ownsStore: false);
        bed.Environment["PORTAL_SYNC_TOKEN"] = "s3cret-token";
        await bed.StartAsync(yaml[yaml.IndexOf("notifiers:", StringComparison.Ordinal)..]);
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["GIT_CONFIG_NOSYSTEM"] = "1", ["XDG_CONFIG_HOME"] = home };

        var first = await SyncplaneCli.RunAsync(portal.Path, environment, "run", "--ci");
        var afterFirst = portal.Run(["rev-parse", "HEAD"]);
        var second = await SyncplaneCli.RunAsync(portal.Path, environment, "run", "--ci");
        var afterSecond = portal.Run(["rev-parse", "HEAD"]);
        var lzThird = lz.Commit("lz 2", ("docs/api/index.md", null), ("pmo.yaml", "pmo: 2\n"));
        var third = await SyncplaneCli.RunAsync(portal.Path, environment, "run", "--ci");
        var afterThird = portal.Run(["rev-parse", "HEAD"]);
        var requests = await _receiver.WaitForAsync(2);

        Assert.True(first.ExitCode == 0, first.All);
        Assert.Equal(before, portal.Run(["rev-parse", afterFirst + "~1"]));
        var today = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"chore(sync): update from landing zone [{today}]|Portal Sync Bot <noreply@portal.local>",
            portal.Run(["log", "-1", "--format=%s|%an <%ae>", afterFirst]));
        Assert.Equal(
            ["config/lz-pmo.yaml", "docs/lz-reference/ENFORCEMENT_GATES.md", "docs/lz-reference/RUNBOOKS.md", "docs/lz-reference/api/index.md", "docs/lz-reference/guide.md"],
            Changed(portal, afterFirst));
        Assert.Equal("pmo: 1", portal.Run(["show", $"{afterFirst}:config/lz-pmo.yaml"]));
        Assert.Equal("# Gates", portal.Run(["show", $"{afterFirst}:docs/lz-reference/ENFORCEMENT_GATES.md"]));

        Assert.True(second.ExitCode == 0, second.All);
        Assert.Equal(afterFirst, afterSecond);

        Assert.True(third.ExitCode == 0, third.All);
        Assert.Equal(afterSecond, portal.Run(["rev-parse", afterThird + "~1"]));
        Assert.Equal(["config/lz-pmo.yaml", "docs/lz-reference/api/index.md"], Changed(portal, afterThird));
        Assert.False(Directory.Exists(Path.Combine(portal.Path, "docs/lz-reference/api")));
        Assert.Equal("pmo: 2\n", File.ReadAllText(Path.Combine(portal.Path, "config/lz-pmo.yaml")));

        // delete: true stays inside the mapped paths: the portal's own files are untouched and uncommitted.
        Assert.Equal("ours", File.ReadAllText(Path.Combine(portal.Path, "docs/portal.md")));
        Assert.Equal("app: 1\n", File.ReadAllText(Path.Combine(portal.Path, "config/app.yaml")));
        Assert.True(File.Exists(Path.Combine(portal.Path, "README.md")));
        Assert.False(Directory.Exists(Path.Combine(portal.Path, "terraform")));
        Assert.Equal("", portal.Run(["status", "--porcelain"]));

        // Layer 1: the seed's body exactly, once per run that changed something (not for the up-to-date second run).
        Assert.Equal(2, requests.Count);
        Assert.Equal(
            [
                $$$"""{"event_type":"lz-update","client_payload":{"commit_sha":"{{{lzFirst}}}","trigger":"landing-zone-change"}}""",
                $$$"""{"event_type":"lz-update","client_payload":{"commit_sha":"{{{lzThird}}}","trigger":"landing-zone-change"}}""",
            ],
            requests.Select(r => r.Body));
        Assert.All(requests, r => Assert.Equal(DispatchPath, r.Path));
        Assert.All(requests, r => Assert.Equal("token s3cret-token", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task ReadmeLzDocsExample_PutsTheContentsOfDocsIntoLzReference_AndCommitsThem()
    {
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        var lz = TestGitRepository.Init(_dir.Combine("lz"), home);
        lz.Commit("lz", ("docs/guide.md", "# Guide"), ("docs/api/index.md", "# API"), ("pmo.yaml", "pmo: 1\n"));
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var yaml = YamlBlock().Matches(readme).Select(m => m.Groups[1].Value).Single(y => y.Contains("lz-docs:", StringComparison.Ordinal))
            .Replace("https://github.com/acme/landing-zone.git", lz.Path, StringComparison.Ordinal);
        var site = TestGitRepository.Init(_dir.Combine("site"), home);
        site.Commit("site", ("README.md", "site"), ("syncplane.yaml", yaml), (".gitignore", ".syncplane/\n"));
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["GIT_CONFIG_NOSYSTEM"] = "1", ["XDG_CONFIG_HOME"] = home, ["GIT_TOKEN"] = "unused-for-a-local-path" };

        var run = await SyncplaneCli.RunAsync(site.Path, environment, "run", "--target", "lz-docs", "--ci");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(["portal/docs/lz-reference/api/index.md", "portal/docs/lz-reference/guide.md"], Changed(site, "HEAD"));
        Assert.False(Directory.Exists(Path.Combine(site.Path, "portal/docs/lz-reference/docs")));
    }

    private static List<string> Changed(TestGitRepository repository, string commit) =>
        [.. repository.Run(["show", "--name-only", "--format=", commit]).Split('\n').Order(StringComparer.Ordinal)];

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
