using Syncplane.Connectors;
using Syncplane.Connectors.Directory;
using Syncplane.Engine.Watch;
using Syncplane.Planning;

namespace Syncplane.Engine;

public sealed partial class SyncRunner
{
    /// <summary>The change journals of the targets this node watches (<c>serve</c>); null elsewhere, and every run walks the tree.</summary>
    internal ChangeJournals? Journals { get; init; }

    /// <summary>
    /// Both snapshots: of the changed paths only when <paramref name="changes"/> lists them and both sides are folders,
    /// else of the whole trees. Returns how many changed paths were read (null for a full walk).
    /// </summary>
    private static async Task<(Snapshot From, Snapshot To, int? ChangedPaths)> SnapshotsAsync(
        IItemSource source, IItemDestination destination, ChangeSet? changes, IRunLog log, CancellationToken ct)
    {
        if (changes?.Paths is { } paths && source is DirectorySource folder && destination is DirectoryDestination mirror && ChangedPathSnapshot.IsAvailable)
        {
            var keys = ChangedPathSnapshot.WithParents(paths);
            var from = await folder.SnapshotOfAsync(keys, paths, ct);
            if (await mirror.SnapshotOfAsync(keys, paths, from, ct) is { } to)
            {
                log.Info($"watch: reading {paths.Count} changed path(s) ({keys.Count} with their parents) instead of walking the tree");
                return (from, to, paths.Count);
            }
        }

        if (changes is { Overflowed: true })
        {
            log.Info("watch: events were lost or the watch just started; walking the whole tree");
        }

        var sourceSnapshot = source.SnapshotAsync(ct);
        var destinationSnapshot = destination.SnapshotAsync(ct);
        await Task.WhenAll(sourceSnapshot, destinationSnapshot);
        return (await sourceSnapshot, await destinationSnapshot, null);
    }

    private static string ChangedPathsNote(int? changedPaths) => changedPaths is { } n ? $"; read {n} changed path(s), no full walk" : "";
}
