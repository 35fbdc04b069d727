using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Install;

/// <summary>
/// deploy/github-actions/syncplane.yml: its shell steps, run in order with bash in a clone of a bare "GitHub" remote, with
/// the variables a runner sets and the tool installed from the packed folder (offline), do what the workflow promises.
/// </summary>
public sealed class GitHubWorkflowTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly GitHubWorkflow _workflow = new(RepositoryPaths.Combine("deploy", "github-actions", "syncplane.yml"));
    private readonly TestGitRepository _remote;
    private readonly TestGitRepository _workspace;

    public GitHubWorkflowTests()
    {
        Directory.CreateDirectory(_dir["git-home"]);
        _dir.Write("upstream/guide.md", "# Guide\n");
        _dir.Write("upstream/faq.md", "# FAQ\n");
        _remote = TestGitRepository.Init(_dir["remote.git"], _dir["git-home"], bare: true);
        var seed = TestGitRepository.Init(_dir["seed"], _dir["git-home"]);
        seed.Commit("syncplane config", ("syncplane.yaml", $$"""
            version: 1
            targets:
              handbook:
                direction: pull
                source: { directory: { path: {{_dir["upstream"]}} } }
                destination: { directory: { path: docs/handbook } }
              outbound:
                direction: push
                source: { directory: { path: docs } }
                destination: { directory: { path: {{_dir["outbound"]}} } }
            """));
        seed.Run(["push", "--quiet", _remote.Path, "main"]);
        _workspace = TestGitRepository.Clone(_remote.Path, _dir["workspace"], _dir["git-home"]);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task WorkflowDispatch_RunsTheChosenTargets_UploadsTheReport_WritesTheSummary_AndPushesTheCommit()
    {
        var before = _remote.Run(["rev-parse", "main"]);

        var steps = await RunJobAsync("workflow_dispatch", new() { ["inputs.target"] = "hand*", ["inputs.direction"] = "pull", ["inputs.dry-run"] = "false" });

        AssertAllSucceeded(steps);
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.Combine("workspace", "syncplane-report.json")));
        var result = Assert.Single(report.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("handbook", result.GetProperty("target").GetString());
        Assert.True(result.GetProperty("success").GetBoolean());
        var summary = File.ReadAllText(_dir["summary.md"]);
        Assert.Contains("### Syncplane: 1/1 target(s) succeeded", summary, StringComparison.Ordinal);
        Assert.Contains("| target | direction | status | created | updated | deleted | seconds | message |", summary, StringComparison.Ordinal);
        Assert.Matches(@"\| handbook \| pull \| succeeded \| 2 \| 0 \| 0 \| [0-9.]+ \| synced successfully", summary);
        Assert.False(Directory.Exists(_dir["outbound"]), "--direction pull leaves the push target alone");
        Assert.NotEqual(before, _remote.Run(["rev-parse", "main"]));
        Assert.Equal(["docs/handbook/faq.md", "docs/handbook/guide.md", "syncplane.yaml"], _remote.Run(["ls-tree", "-r", "--name-only", "main"]).Split('\n'));
        Assert.StartsWith("chore(sync): syncplane hand*", _remote.Run(["log", "-1", "--format=%s", "main"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryDispatch_WithADryRunPayload_ReportsThePlan_AndCommitsNothing()
    {
        var before = _remote.Run(["rev-parse", "main"]);

        var steps = await RunJobAsync("repository_dispatch", new() { ["github.event.client_payload.target"] = "handbook", ["github.event.client_payload.dry_run"] = "true" });

        AssertAllSucceeded(steps);
        Assert.Contains("dry run: nothing to commit", steps[^1].Result!.Stdout, StringComparison.Ordinal);
        Assert.Contains("| handbook | pull | succeeded | 2 | 0 | 0 |", File.ReadAllText(_dir["summary.md"]), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("workspace", "docs")), "a dry run writes nothing");
        Assert.Equal(before, _remote.Run(["rev-parse", "main"]));
    }

    [Fact]
    public void TheActionSteps_CheckOut_SetUpDotnet10_AndUploadTheReportEvenWhenTheRunFails()
    {
        var on = (YamlDotNet.RepresentationModel.YamlMappingNode)_workflow.Root["on"];
        var inputs = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)on["workflow_dispatch"])["inputs"];
        var uses = GitHubWorkflow.Steps(_workflow.Job("sync")).Where(s => GitHubWorkflow.Scalar(s, "uses") is not null).ToList();

        Assert.Equal(["target", "direction", "dry-run"], inputs.Children.Keys.Select(k => k.ToString()));
        Assert.True(on.Children.ContainsKey("repository_dispatch"));
        Assert.Equal(["actions/checkout@v4", "actions/setup-dotnet@v4", "actions/upload-artifact@v4"], uses.Select(s => GitHubWorkflow.Scalar(s, "uses")));
        Assert.Equal("10.0.x", GitHubWorkflow.Scalar((YamlDotNet.RepresentationModel.YamlMappingNode)uses[1]["with"], "dotnet-version"));
        var upload = uses[2];
        Assert.Equal("always()", GitHubWorkflow.Scalar(upload, "if"));
        var path = GitHubWorkflow.Scalar((YamlDotNet.RepresentationModel.YamlMappingNode)upload["with"], "path")!;
        Assert.Equal("syncplane-report.json", GitHubWorkflow.Evaluate(path, _workflow.Environment(new Dictionary<string, string>()).ToDictionary(e => "env." + e.Key, e => e.Value)));
    }

    private static void AssertAllSucceeded(List<(string Name, SyncplaneCli.Result? Result)> steps)
    {
        Assert.Equal(["Check out", "Set up .NET", "Install syncplane", "Run syncplane", "Upload the report", "Write the job summary", "Commit the results"], steps.Select(s => s.Name));
        foreach (var (name, result) in steps.Where(s => s.Result is not null))
        {
            Assert.True(result!.ExitCode == 0, $"step '{name}' exited with {result.ExitCode}: {result.All}");
        }
    }

    /// <summary>The job's shell steps, in the workspace, as a runner would run them for <paramref name="eventName"/>.</summary>
    private async Task<List<(string Name, SyncplaneCli.Result? Result)>> RunJobAsync(string eventName, Dictionary<string, string> context)
    {
        var home = _dir["runner-home"];
        Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet"));
        // The runner's NuGet knows no feed: the only source is the packed folder the workflow's --add-source names.
        File.Copy(PackedTool.WriteOfflineConfig(_dir.Path), Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"));
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = null,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["XDG_CONFIG_HOME"] = home,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = null,
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = eventName,
            ["GITHUB_REF"] = "refs/heads/main",
            ["GITHUB_REF_NAME"] = "main",
            ["GITHUB_WORKSPACE"] = _workspace.Path,
            ["GITHUB_STEP_SUMMARY"] = _dir["summary.md"],
            ["GITHUB_PATH"] = _dir["github-path"],
            ["GITHUB_ENV"] = _dir["github-env"],
            ["GITHUB_OUTPUT"] = _dir["github-output"],
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH"),
            ["RUNNER_TEMP"] = Directory.CreateDirectory(_dir["runner-temp"]).FullName,
        };
        foreach (var (name, value) in _workflow.Environment(context))
        {
            environment[name] = value;
        }

        environment["SYNCPLANE_PACKAGE_SOURCE"] = await PackedTool.FolderAsync();
        return await GitHubWorkflow.RunAsync(_workflow.Job("sync"), _workspace.Path, environment, _dir["runner-temp"]);
    }
}
