using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Directory;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine;

/// <summary>
/// Files removed from the source while a run copies (an editor's swap file, a build's output): the run writes the rest,
/// leaves those for the next run and says so, like rsync's "file has vanished", instead of failing.
/// </summary>
public sealed class VanishedSourceTests
{
    private const string Config = "targets:\n  mirror:\n    source: { directory: { path: src } }\n    destination: { directory: { path: dst } }\n";

    [Fact]
    public async Task SourceFilesRemovedAfterThePlan_AreLeftForTheNextRun_TheRestIsWritten_AndTheRunSucceeds()
    {
        await using var bed = await EngineTestBed.CreateAsync(Config);
        bed.Directory.Write("src/kept.txt", "kept");
        bed.Directory.Write("src/gone.txt", "gone");
        bed.Directory.Write("src/sub/also-gone.txt", "also gone");
        bed.Directory.Write("dst/gone.txt", "an older gone.txt"); // an update whose source vanished leaves the old file
        bed.Directory.Write("src/same-size.txt", "abcd");
        bed.Directory.Write("dst/same-size.txt", "wxyz"); // same size, another time: the plan hashes both, and the source is gone by then
        File.SetLastWriteTimeUtc(bed.Directory.Combine("dst/same-size.txt"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var removing = new RemovedAfterTheSnapshot(
            bed.Directory.Combine("src/gone.txt"), bed.Directory.Combine("src/sub/also-gone.txt"), bed.Directory.Combine("src/same-size.txt"));

        var result = await new SyncRunner(bed.Config, bed.Store, bed.Time, new ConnectorRegistry([removing]), bed.Secrets)
            .RunAsync(bed.Config.Targets[0], new RunOptions(), null, null, null, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Contains("3 item(s) vanished during the run and were left for the next run (gone.txt, same-size.txt, sub/also-gone.txt)", result.Message, StringComparison.Ordinal);
        Assert.Equal("kept", File.ReadAllText(bed.Directory.Combine("dst/kept.txt")));
        Assert.Equal("an older gone.txt", File.ReadAllText(bed.Directory.Combine("dst/gone.txt")));
        Assert.Equal("wxyz", File.ReadAllText(bed.Directory.Combine("dst/same-size.txt")));
        Assert.False(File.Exists(bed.Directory.Combine("dst/sub/also-gone.txt")));
        Assert.Empty(System.IO.Directory.EnumerateFiles(bed.Directory.Combine("dst"), ".syncplane-tmp-*", SearchOption.AllDirectories));
        var recorded = (await bed.RunsAsync("mirror")).Single().Summary!;
        Assert.Equal((1, 0), (recorded.Creates, recorded.Updates)); // kept.txt: what was written, not the 2 creates and 2 updates planned

        var next = await new SyncRunner(bed.Config, bed.Store, bed.Time, ConnectorRegistry.Default, bed.Secrets)
            .RunAsync(bed.Config.Targets[0], new RunOptions(), null, null, null, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, next.Status);
        Assert.StartsWith("synced successfully: 0 created, 0 updated, 2 deleted", next.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(bed.Directory.Combine("dst/gone.txt")));
        Assert.False(File.Exists(bed.Directory.Combine("dst/same-size.txt")));
    }

    /// <summary>The directory connector, whose source removes some files right after it has listed them.</summary>
    private sealed class RemovedAfterTheSnapshot(params string[] paths) : IConnectorFactory
    {
        private readonly DirectoryConnectorFactory _directory = new();

        public string Type => _directory.Type;

        public bool CanBeSource => true;

        public bool CanBeDestination => true;

        public object? Bind(ConfigNode options, ConfigReader reader) => _directory.Bind(options, reader);

        public IItemSource CreateSource(object options, ConnectorContext context) => new Source(_directory.CreateSource(options, context), paths);

        public IItemDestination CreateDestination(object options, ConnectorContext context) => _directory.CreateDestination(options, context);

        private sealed class Source(IItemSource inner, string[] paths) : IItemSource
        {
            public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
            {
                var snapshot = await inner.SnapshotAsync(cancellationToken);
                foreach (var path in paths)
                {
                    File.Delete(path);
                }

                return snapshot;
            }

            public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) => inner.OpenReadAsync(item, cancellationToken);

            public string? TryGetLocalPath(Item item) => inner.TryGetLocalPath(item);
        }
    }
}
