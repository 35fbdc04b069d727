using Syncplane.Checks;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

/// <summary>The cloud_run check (the seed's GCP Sync) against a stand-in <c>gcloud</c> at a path relative to the config.</summary>
public sealed class CloudRunCheckTests : IDisposable
{
    private const string Service = """{"metadata":{"name":"vizual-x-admin-control-plane"},"status":{"url":"https://vizual-x-admin-control-plane-abc-uc.a.run.app","latestReadyRevisionName":"vizual-x-admin-control-plane-00123-abc","conditions":[{"type":"Ready","status":"True"}]}}""";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private void Gcloud(string project, string describe)
    {
        var path = _directory.Write("bin/gcloud", $"""
            #!/bin/sh
            echo "$@" >> "$(dirname "$0")/calls"
            if [ "$1" = config ]; then printf '%s\n' '{project}'; exit 0; fi
            {describe}
            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private Task<CheckResult> CheckAsync(string extra = "") =>
        CheckTestBed.RunAsync($"  cloud-run: {{ cloud_run: vizual-x-admin-control-plane, region: us-central1, gcloud: bin/gcloud{extra} }}\n", _directory.Path);

    [Fact]
    public async Task ADeployedReadyService_IsSynced_WithItsUrlAndRevision()
    {
        Gcloud("vizual-x-project", $"echo '{Service}'");

        var result = await CheckAsync();

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Equal("Synced", result.Details["state"]);
        Assert.Equal("https://vizual-x-admin-control-plane-abc-uc.a.run.app", result.Details["url"]);
        Assert.Equal("vizual-x-admin-control-plane-00123-abc", result.Details["latest_revision"]);
        Assert.Contains(
            "run services describe vizual-x-admin-control-plane --project vizual-x-project --format json --region us-central1",
            File.ReadAllText(_directory["bin/calls"]),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingService_IsNotDeployed()
    {
        Gcloud("vizual-x-project", "echo 'ERROR: (gcloud.run.services.describe) Cannot find service [vizual-x-admin-control-plane]' >&2; exit 1");

        var result = await CheckAsync();

        Assert.Equal((CheckStatus.Down, "NotDeployed"), (result.Status, result.Details["state"]));
    }

    [Fact]
    public async Task NoProject_IsNotConfigured_AndAGivenProjectSkipsTheLookup()
    {
        Gcloud("", $"echo '{Service}'");

        var unset = await CheckAsync();
        var given = await CheckAsync(", project: other-project");

        Assert.Equal((CheckStatus.Unknown, "NotConfigured"), (unset.Status, unset.Details["state"]));
        Assert.Equal((CheckStatus.Healthy, "other-project"), (given.Status, given.Details["project"]));
    }

    [Fact]
    public async Task AnUnreadyServiceOrAMissingGcloud_IsFailed()
    {
        Gcloud("p", """echo '{"status":{"url":"https://x","conditions":[{"type":"Ready","status":"False","message":"Revision failed"}]}}'""");
        var unready = await CheckAsync();
        File.Delete(_directory["bin/gcloud"]);
        var missing = await CheckAsync();

        Assert.Equal((CheckStatus.Down, "Failed"), (unready.Status, unready.Details["state"]));
        Assert.Contains("Revision failed", unready.Message, StringComparison.Ordinal);
        Assert.Equal((CheckStatus.Down, "Failed"), (missing.Status, missing.Details["state"]));
        Assert.Contains("cannot run gcloud", missing.Message, StringComparison.Ordinal);
    }
}
