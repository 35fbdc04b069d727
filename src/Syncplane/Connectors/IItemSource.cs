using Syncplane.Planning;

namespace Syncplane.Connectors;

/// <summary>Reads a snapshot of items from a place, and their content.</summary>
public interface IItemSource
{
    /// <summary>Lists the items, with the revision of the source when it has one (a git commit SHA).</summary>
    Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken);

    /// <summary>The item's path on the local file system when it has one (enables fast local copies), else null.</summary>
    string? TryGetLocalPath(Item item);
}

/// <summary>Reads a snapshot of what is at the destination and applies a plan to it.</summary>
public interface IItemDestination
{
    Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called by the planner only when size matches but mtime differs: true when the contents are equal,
    /// so the update only needs to touch metadata.
    /// </summary>
    ValueTask<bool> SameContentAsync(Item source, Item destination, IItemSource from, CancellationToken cancellationToken);

    /// <summary>
    /// Applies every change, each one atomically (a crash leaves an item before or after, never half-written), except
    /// those listed in <see cref="Skipped"/> afterwards.
    /// </summary>
    Task ApplyAsync(Plan plan, IItemSource from, IProgress<int>? progress, CancellationToken cancellationToken);

    /// <summary>Keys the apply left alone because what they were to be written from vanished or changed meanwhile: the next run sees them again.</summary>
    IReadOnlyCollection<string> Skipped { get; }

    /// <summary>True when the destination deletes what the source no longer has.</summary>
    bool Delete { get; }

    /// <summary>The local directory this destination writes to, when it is one (for the git commit step).</summary>
    string? LocalRoot { get; }
}
