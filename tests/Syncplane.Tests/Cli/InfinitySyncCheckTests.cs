using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// An Infinity Sync user's file: checks only, no targets, with relative paths (a docker program, a command's
/// script, a repository), run by <c>syncplane check</c> from another directory.
/// </summary>
public sealed class InfinitySyncCheckTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Check_ChecksOnlyConfigFromAnotherDirectory_ResolvesRelativePathsAgainstTheConfig_AndWritesTheSeedsSections()
    {
        var home = Directory.CreateDirectory(_dir["home"]).FullName;
        var origin = TestGitRepository.Init(_dir["project/origin.git"], home, bare: true);
        var work = TestGitRepository.Init(_dir["project/work"], home);
        work.Commit("first", ("README.md", "hello\n"));
        work.Run(["remote", "add", "origin", origin.Path]);
        work.Run(["push", "--quiet", "-u", "origin", "main"]);
        _dir.Write("project/docker-compose.yml", "services:\n  api: { image: api }\n  db: { image: db }\n");
        Executable("project/bin/docker", """printf '{"Service":"api","State":"running"}\n{"Service":"db","State":"running"}\n'""");
        Executable("project/bin/gh-status.sh", "echo 'Logged in to github.com'");
        Executable("project/bin/gcloud", """echo '{"status":{"url":"https://cp-abc-uc.a.run.app","latestReadyRevisionName":"cp-00123-abc"}}'""");
        _dir.Write("project/syncplane.yaml", """
            checks:
              GitHubCLI: { command: bin/gh-status.sh, section: AuthCheck }
              repo: { git: work, branch: main, section: GitSync }
              stack: { compose: docker-compose.yml, docker: bin/docker, section: DockerSync }
              cloud-run: { cloud_run: cp, project: p, gcloud: bin/gcloud, section: GCPSync }
            """);
        var elsewhere = Directory.CreateDirectory(_dir["elsewhere"]).FullName;

        var result = await SyncplaneCli.RunAsync(elsewhere, new Dictionary<string, string> { ["HOME"] = home }, "check", "--config", _dir["project/syncplane.yaml"]);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        using var file = JsonDocument.Parse(File.ReadAllText(_dir["project/.syncplane/status.json"]));
        var status = file.RootElement.GetProperty("status");
        Assert.Equal("""{"Status":"Success","Details":{"GitHubCLI":true}}""", status.GetProperty("AuthCheck").GetRawText().Replace(" ", "", StringComparison.Ordinal).ReplaceLineEndings(""));
        Assert.Equal("Synced", status.GetProperty("GitSync").GetProperty("Status").GetString());
        Assert.Equal("Synced", status.GetProperty("DockerSync").GetProperty("Status").GetString());
        Assert.Equal(0, status.GetProperty("DockerSync").GetProperty("Details").GetArrayLength());
        Assert.Equal("Synced", file.RootElement.GetProperty("checks").GetProperty("stack").GetProperty("State").GetString());
        Assert.Equal("Synced", status.GetProperty("GCPSync").GetProperty("Status").GetString());
        Assert.Equal("Service URL: https://cp-abc-uc.a.run.app", Assert.Single(status.GetProperty("GCPSync").GetProperty("Details").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Validate_AFileWithNeitherTargetsNorChecks_IsStillRefused()
    {
        _dir.Write("syncplane.yaml", "version: 1\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "validate");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("missing required key 'targets'", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "run")]
    [InlineData(2)]
    [InlineData(2, "--dry-run")]
    [InlineData(2, "run", "--target", "repo")]
    [InlineData(0, "--list")]
    [InlineData(0, "list")]
    [InlineData(0, "status")]
    public async Task RunListOrStatus_OnAChecksOnlyConfig_SaysThereAreNoTargetsAndPointsToCheck(int exitCode, params string[] args)
    {
        _dir.Write("syncplane.yaml", "checks:\n  repo: { git: \".\" }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, args);

        Assert.True(result.ExitCode == exitCode, result.All);
        Assert.Contains("this config declares no targets, only checks; run `syncplane check`", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("known targets", result.All, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["status.json"]));
        Assert.False(File.Exists(_dir[".syncplane/status.json"])); // nothing ran
    }

    private void Executable(string relative, string body)
    {
        var path = _dir.Write(relative, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
