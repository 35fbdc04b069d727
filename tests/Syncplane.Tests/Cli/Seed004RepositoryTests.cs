using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// Seed 004 as its users have it: the seed's own config at <c>.insightpulse/sync.yaml</c> in a real git
/// repository, its scripts at the seed's paths, a fresh clone, and <c>syncplane</c> run from the clone's root
/// without <c>--config</c>. Every path in that file is relative to the repository root.
/// </summary>
public sealed class Seed004RepositoryTests : IDisposable
{
    private const string OcaDirectory = "insightpulse_odoo/addons/oca";
    private readonly TempDirectory _dir = new();
    private readonly TestGitRepository _clone;
    private readonly Dictionary<string, string> _environment;

    public Seed004RepositoryTests()
    {
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        _environment = new Dictionary<string, string> { ["HOME"] = home, ["GIT_CONFIG_NOSYSTEM"] = "1" };
        var origin = TestGitRepository.Init(_dir.Combine("origin"), home);
        origin.Commit(
            "the seed's sync system",
            (".insightpulse/sync.yaml", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Config", "Fixtures", "seed004.sync.yaml"))),
            ("scripts/sync-oca-repos.sh", $$"""
                #!/bin/sh
                set -e
                for i in $(seq 1 100); do
                  mkdir -p {{OcaDirectory}}/module_$i
                  echo "{'name': 'module $i'}" > {{OcaDirectory}}/module_$i/__manifest__.py
                done
                echo "Synced successfully: 100 modules"
                """),
            ("scripts/sync-claude-configs.sh", "#!/bin/sh\necho \"claude config drift score: 0\"\n"),
            ("scripts/apps-truth-sync.sh", "#!/bin/sh\nmkdir -p docs/runtime\necho '{\"apps\": [{\"name\": \"odoo\"}]}' > docs/runtime/apps_truth.json\n"),
            ("scripts/sync-live-to-docs.sh", "#!/bin/sh\nmkdir -p docs/runtime\nfor f in ADDONS_PATH DB_CONFIG ENV_VARS; do echo placeholder > docs/runtime/$f.prod.txt; done\n"),
            ("scripts/skillsmith_sync.py", "print('skills: 0')\n"),
            ("scripts/my-sync.sh", "#!/bin/sh\necho \"Sync complete\"\n"));
        foreach (var script in Directory.GetFiles(Path.Combine(origin.Path, "scripts"), "*.sh"))
        {
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        }

        origin.Run(["add", "-A"]);
        origin.Run(["commit", "--quiet", "-m", "scripts are executable"]);
        _clone = TestGitRepository.Clone(origin.Path, _dir.Combine("clone"), home);
    }

    public void Dispose() => _dir.Dispose();

    private string Root => _clone.Path;

    [Fact]
    public async Task WithoutConfigOption_ListAndValidateFindTheSeedsConfig()
    {
        var list = await SyncplaneCli.RunAsync(Root, _environment, "--list");
        var validate = await SyncplaneCli.RunAsync(Root, _environment, "validate");

        Assert.True(list.ExitCode == 0, list.All);
        Assert.Contains("oca_repos", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 */6 * * *", list.Stdout, StringComparison.Ordinal);
        Assert.True(validate.ExitCode == 0, validate.All);
        Assert.Contains(".insightpulse/sync.yaml: valid, 6 target(s)", validate.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASyncplaneYaml_WinsOverTheSeedsConfig()
    {
        File.WriteAllText(Path.Combine(Root, "syncplane.yaml"), "targets:\n  own:\n    entrypoint: \"true\"\n");

        var list = await SyncplaneCli.RunAsync(Root, _environment, "--list");

        Assert.True(list.ExitCode == 0, list.All);
        Assert.Contains("own", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("oca_repos", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_OnAFreshClone_PlansEveryTargetInTheRepositoryRoot_AndWritesNothing()
    {
        var result = await SyncplaneCli.RunAsync(Root, _environment, "--dry-run", "--ci");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"would run scripts/sync-oca-repos.sh in {Root}", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", result.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Root, "insightpulse_odoo")));
        Assert.False(Directory.Exists(Path.Combine(Root, "docs")));
    }

    [Fact]
    public async Task FirstSyncOnAFreshClone_SkipsTheGateItCannotPassYet_WritesAtTheRoot_VerifiesAndCommits()
    {
        var result = await SyncplaneCli.RunAsync(
            Root, _environment, "run", "--target", "oca_repos", "--direction", "pull", "--verify", "--ci", "--report", "out/report.json");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(100, Directory.GetFiles(Path.Combine(Root, OcaDirectory), "__manifest__.py", SearchOption.AllDirectories).Length);
        Assert.False(Directory.Exists(Path.Combine(Root, ".insightpulse", "insightpulse_odoo")));
        Assert.True(Directory.Exists(Path.Combine(Root, "docs", "runtime"))); // outputs' directories exist, so the seed's 'find docs/runtime' check passes
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "out", "report.json")));
        var oca = report.RootElement.GetProperty("results")[0];
        Assert.True(oca.GetProperty("success").GetBoolean());
        Assert.True(oca.GetProperty("verification_passed").GetBoolean());
        Assert.Contains("first sync: drift gate 'OCA module count' skipped", oca.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("syncplane: sync oca_repos", _clone.Run(["log", "-1", "--format=%s"]), StringComparison.Ordinal);
        Assert.Equal("", _clone.Run(["status", "--porcelain", "--untracked-files=no"]));

        Assert.True(File.Exists(Path.Combine(Root, ".syncplane", "syncplane.db")));
        Assert.False(Directory.Exists(Path.Combine(Root, ".insightpulse", ".syncplane")));
        Assert.Equal("", _clone.Run(["status", "--porcelain", "--", ".syncplane"])); // the store ignores itself
    }

    [Fact]
    public async Task AfterTheFirstSync_TheDriftGateJudgesTheRepositoryBeforeEverySync()
    {
        Assert.Equal(0, (await SyncplaneCli.RunAsync(Root, _environment, "run", "--target", "oca_repos", "--ci")).ExitCode);
        var again = await SyncplaneCli.RunAsync(Root, _environment, "run", "--target", "oca_repos", "--ci");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.DoesNotContain("skipped", again.Stdout, StringComparison.Ordinal);

        _clone.Run(["rm", "--quiet", $"{OcaDirectory}/module_1/__manifest__.py"]);
        _clone.Run(["commit", "--quiet", "-m", "a module was dropped"]);
        var refused = await SyncplaneCli.RunAsync(Root, _environment, "run", "--target", "oca_repos", "--ci");

        Assert.True(refused.ExitCode == 3, refused.All);
        Assert.Contains("drift gate 'OCA module count'", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("value 99 is below the minimum 100", refused.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Root, OcaDirectory, "module_1", "__manifest__.py"))); // the script never ran
    }

    [Fact]
    public async Task ExplicitConfig_FromAnotherDirectory_ResolvesEveryPathAgainstTheRepositoryRoot()
    {
        var elsewhere = _dir.Combine("elsewhere");
        Directory.CreateDirectory(elsewhere);
        const string Config = "../clone/.insightpulse/sync.yaml";

        var validate = await SyncplaneCli.RunAsync(elsewhere, _environment, "validate", "--config", Config);
        var run = await SyncplaneCli.RunAsync(elsewhere, _environment, "run", "--config", Config, "--target", "apps_truth", "--verify", "--ci");

        Assert.True(validate.ExitCode == 0, validate.All);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("odoo", File.ReadAllText(Path.Combine(Root, "docs", "runtime", "apps_truth.json")), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "docs")));
        Assert.True(File.Exists(Path.Combine(Root, ".syncplane", "syncplane.db")));
        Assert.False(Directory.Exists(Path.Combine(elsewhere, ".syncplane")));
    }
}
