using Syncplane.Tests.Support;

namespace Syncplane.Tests.Documents;

/// <summary><c>syncplane run --dry-run</c> of a document target: the plan lists records to create, update and delete, and nothing is written.</summary>
public sealed class DocumentPlanTests
{
    private const string Project = "//cloudresourcemanager.googleapis.com/projects/lz-prod";
    private const string Vpc = "//compute.googleapis.com/projects/lz-prod/global/networks/lz-vpc";

    [Fact]
    public async Task DryRun_ListsRecordsToCreateUpdateAndDelete_AndWritesNothing()
    {
        await using var api = new FakeCloudAsset().WithLandingZone();
        using var directory = new TempDirectory();
        directory.Write("syncplane.yaml", DocumentServingContract.DocsExample()
            .Replace("https://cloudasset.googleapis.com/v1/organizations/123456789:searchAllResources", api.Url, StringComparison.Ordinal));
        var environment = new Dictionary<string, string> { ["GCP_ACCESS_TOKEN"] = "ya29.test", ["PUBSUB_PUSH_TOKEN"] = "t" };
        var file = directory.Combine("portal", "public", "infrastructure-state.json");

        var first = await SyncplaneCli.RunAsync(directory.Path, environment, "run", "--dry-run", "--target", "lz-state");
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains($"+ {Project}", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("5 to create, 0 to update, 0 to delete, 0 unchanged", first.Stdout, StringComparison.Ordinal); // the bucket is in no group
        Assert.False(File.Exists(file));

        var real = await SyncplaneCli.RunAsync(directory.Path, environment, "run", "--target", "lz-state");
        Assert.True(real.ExitCode == 0, real.Stdout + real.Stderr);
        Assert.True(File.Exists(file));
        var written = File.ReadAllText(file);

        api.Assets[0]["state"] = "DELETE_REQUESTED";
        api.Assets.RemoveAt(2);
        var second = await SyncplaneCli.RunAsync(directory.Path, environment, "run", "--dry-run", "--target", "lz-state");
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains($"~ {Project}", second.Stdout, StringComparison.Ordinal);
        Assert.Contains($"- {Vpc}", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 to create, 1 to update, 1 to delete, 3 unchanged", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(written, File.ReadAllText(file));
    }
}
