using Syncplane.Checks;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

/// <summary>The compose check with a <c>docker</c> stand-in script that prints what <c>docker compose ps --format json</c> documents.</summary>
public sealed class ComposeCheckTests : IDisposable
{
    /// <summary>Compose v2.21+: one JSON object per line.</summary>
    private const string LinesOutput = """
        {"Command":"\"docker-entrypoint.s…\"","Name":"app-db-1","Project":"app","Service":"db","State":"running","Health":"","ExitCode":0}
        {"Command":"\"node server.js\"","Name":"app-web-1","Project":"app","Service":"web","State":"running","Health":"healthy","ExitCode":0}
        """;

    /// <summary>Earlier Compose v2: one JSON array.</summary>
    private const string ArrayOutput = """[{"Name":"app-db-1","Service":"db","State":"running"},{"Name":"app-web-1","Service":"web","State":"exited"}]""";

    private const string ComposeFile = """
        services:
          web:
            image: nginx
          db:
            image: postgres:16
        """;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Docker(string output, int exitCode = 0)
    {
        _directory.Write("ps.json", output);
        var path = _directory.Write("docker", $"#!/bin/sh\n[ \"$1 $4 $5 $6\" = \"compose ps --format json\" ] || {{ echo \"unexpected: $*\" >&2; exit 9; }}\ncat \"{_directory["ps.json"]}\"\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private Task<CheckResult> CheckAsync(string docker) =>
        CheckTestBed.RunAsync($"  stack: {{ compose: docker-compose.yml, docker: \"{docker}\" }}\n", _directory.Path);

    [Fact]
    public async Task EveryServiceRunning_OneObjectPerLine_IsSynced()
    {
        _directory.Write("docker-compose.yml", ComposeFile);

        var result = await CheckAsync(Docker(LinesOutput));

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Equal("Synced", result.Details["state"]);
        Assert.Equal("web, db", result.Details["defined"]);
        Assert.Equal("all 2 service(s) running", result.Message);
    }

    [Fact]
    public async Task AServiceNotRunning_JsonArray_IsOutOfSyncAndNamesIt()
    {
        _directory.Write("docker-compose.yml", ComposeFile);

        var result = await CheckAsync(Docker(ArrayOutput));

        Assert.Equal(CheckStatus.Degraded, result.Status);
        Assert.Equal("OutOfSync", result.Details["state"]);
        Assert.Equal("web", result.Details["missing"]);
        Assert.Equal("db", result.Details["running"]);
    }

    [Fact]
    public async Task NoComposeFile_IsNoManifestAndUnknown()
    {
        var result = await CheckAsync(Docker(LinesOutput));

        Assert.Equal(CheckStatus.Unknown, result.Status);
        Assert.Equal("NoManifest", result.Details["state"]);
    }

    [Fact]
    public async Task DockerFailing_IsFailedAndDown()
    {
        _directory.Write("docker-compose.yml", ComposeFile);

        var failing = await CheckAsync(Docker("Cannot connect to the Docker daemon at unix:///var/run/docker.sock", exitCode: 1));
        var missing = await CheckAsync(_directory["no-such-docker"]);

        Assert.Equal((CheckStatus.Down, "Failed"), (failing.Status, failing.Details["state"]));
        Assert.Contains("Cannot connect to the Docker daemon", failing.Message, StringComparison.Ordinal);
        Assert.Equal((CheckStatus.Down, "Failed"), (missing.Status, missing.Details["state"]));
    }

    [Fact]
    public void RunningServices_NoContainers_IsEmpty()
    {
        Assert.Empty(ComposeCheck.RunningServices(""));
        Assert.Empty(ComposeCheck.RunningServices("[]"));
    }
}
