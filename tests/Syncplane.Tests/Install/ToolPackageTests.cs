using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Install;

/// <summary><c>scripts/pack</c>, then <c>dotnet tool install --global</c> from the packed folder, offline, into a throwaway HOME.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheInstalledTool_IsSyncplaneOnPath_AndRunsTheQuickstart()
    {
        var home = _dir["home"];
        await PackedTool.InstallAsync(home);
        var environment = PackedTool.UserEnvironment(home);
        var config = QuickstartCopy.Create(_dir["clone"], _dir["git-home"]);

        var version = await OnPathAsync(home, environment, "--version");
        var run = await OnPathAsync(_dir["clone"], environment, "run", "--config", config, "--verify", "--ci", "--report", _dir["report.json"]);

        Assert.True(version.ExitCode == 0, version.All);
        Assert.Equal(ExpectedVersion(), version.Stdout.Trim());
        Assert.True(File.Exists(Path.Combine(home, ".dotnet", "tools", "syncplane")), "installed as a global tool of this HOME only");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("3/3 target(s) succeeded", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir.Combine("clone", "quickstart", "work", "docs", "README.md")), run.All);
        Assert.True(File.Exists(_dir.Combine("clone", "quickstart", "work", "inventory.json")), run.All);
        using var report = JsonDocument.Parse(File.ReadAllText(_dir["report.json"]));
        Assert.Equal(3, report.RootElement.GetProperty("successful").GetInt32());
    }

    [Fact]
    public async Task ThePackage_IsNamedSyncplane_WithTheVersionFromDirectoryBuildProps_AsTheReadmeSays()
    {
        var folder = await PackedTool.FolderAsync();
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));

        Assert.Equal([$"Syncplane.{ExpectedVersion()}.nupkg"], Directory.GetFiles(folder, "*.nupkg").Select(Path.GetFileName));
        // The README's commands are the ones these tests run (here with the packed folder, and a config file that lists no feed).
        Assert.Contains("./scripts/pack ", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet " + string.Join(' ', PackedTool.InstallArguments("artifacts/package", "X")).Replace(" --configfile X", "", StringComparison.Ordinal), readme, StringComparison.Ordinal);
        Assert.Contains("./scripts/publish ", readme, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>syncplane</c> as a shell finds it on the user's PATH.</summary>
    private static Task<SyncplaneCli.Result> OnPathAsync(string workingDirectory, Dictionary<string, string?> environment, params string[] args) =>
        Command.RunAsync("/bin/sh", workingDirectory, environment, ["-c", "exec syncplane \"$@\"", "syncplane", .. args]);

    /// <summary>The one version, as Directory.Build.props sets it.</summary>
    internal static string ExpectedVersion()
    {
        var props = System.Xml.Linq.XDocument.Load(RepositoryPaths.Combine("Directory.Build.props"));
        return props.Descendants("Version").Single().Value;
    }
}
