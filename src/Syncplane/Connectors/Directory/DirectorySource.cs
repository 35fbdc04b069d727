using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>Reads a local directory tree as items.</summary>
/// <remarks>
/// Directories are items (so empty directories sync). Symlinks are never followed: a link is an item of
/// kind <see cref="ItemKind.Symlink"/> carrying its target text, and destinations recreate it as a link
/// with the same target, like <c>rsync -a</c>. Other special files (fifos, sockets, devices) are skipped.
/// </remarks>
internal sealed class DirectorySource(DirectoryOptions options, ConnectorContext context) : IItemSource
{
    private readonly KeyFilter _filter = new(options.Include, options.Exclude);

    public Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(options.Path))
        {
            throw new DirectoryNotFoundException($"source directory {options.Path} of target '{context.TargetName}' does not exist");
        }

        return Task.Run(() => new TreeWalker(options.Path, _filter).Walk(cancellationToken).Snapshot, cancellationToken);
    }

    /// <summary>Only <paramref name="keys"/> (changed paths with their parents), and what is under the directories among <paramref name="changed"/>.</summary>
    public Task<Snapshot> SnapshotOfAsync(IReadOnlyCollection<string> keys, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(options.Path))
        {
            throw new DirectoryNotFoundException($"source directory {options.Path} of target '{context.TargetName}' does not exist");
        }

        return Task.Run(() => ChangedPathSnapshot.Read(new TreeWalker(options.Path, _filter), keys, d => changed.Contains(d.Key), cancellationToken).Snapshot, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(LocalPath(item), FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan));

    public string? TryGetLocalPath(Item item) => LocalPath(item);

    private string LocalPath(Item item) => Path.Join(options.Path, item.Key);
}
