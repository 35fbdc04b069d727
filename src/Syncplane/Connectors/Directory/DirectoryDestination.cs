using System.Collections.Concurrent;
using System.Security.Cryptography;
using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>Mirrors items into a local directory.</summary>
/// <remarks>
/// Every file is written to a temp file in its own directory, given its mode and mtime, then renamed over
/// the target, so a crash leaves each file either old or new, never partial. Symlinks are recreated as
/// links with the source's target text (never followed, like <c>rsync -a</c>); their own mtime and mode are
/// not preserved. Directory modes and mtimes are set after their contents are written, as rsync does.
/// Keys that would leave the root (absolute, '..', or through a symlinked directory) are refused.
/// Excluded keys are invisible: never listed, never written, never deleted, and the directories that hold
/// them stay.
/// </remarks>
internal sealed partial class DirectoryDestination(DirectoryOptions options, ConnectorContext context) : IItemDestination
{
    private readonly KeyFilter _filter = new(options.Include, options.Exclude);
    private readonly ConcurrentQueue<string> _skipped = new();
    private List<string> _leftoverTemps = [];

    /// <summary>
    /// Two-way sync: before an item is written or deleted, it and the item it is copied from must still be as planned
    /// (<see cref="FileSystemOps.Matches"/>); one that changed meanwhile is left alone and listed in <see cref="Skipped"/>,
    /// for the next run. A directory is deleted only when it is empty by then.
    /// </summary>
    internal bool Guarded { get; init; }

    /// <summary>
    /// Keys left alone because they changed during the apply (with <see cref="Guarded"/>), or because the file they were
    /// to be copied from was gone by then (always).
    /// </summary>
    public IReadOnlyCollection<string> Skipped => _skipped;

    public bool Delete => options.Delete;

    public string? LocalRoot => options.Path;

    public Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var kind = FileSystemOps.KindAt(options.Path);
        if (kind is null)
        {
            _leftoverTemps = [];
            return Task.FromResult(Snapshot.Empty);
        }

        if (kind == ItemKind.File)
        {
            throw new IOException($"destination {options.Path} of target '{context.TargetName}' is a file, not a directory");
        }

        return Task.Run(() =>
        {
            var (snapshot, temps) = new TreeWalker(options.Path, _filter).Walk(cancellationToken);
            _leftoverTemps = temps;
            return snapshot;
        }, cancellationToken);
    }

    /// <summary>
    /// Only <paramref name="keys"/> (changed paths with their parents), and what is under those of them that are
    /// directories here and either changed or no directory in <paramref name="source"/> (what a delete must empty).
    /// </summary>
    /// <returns>Null when the destination folder is not there: then the whole tree must be read.</returns>
    public Task<Snapshot?> SnapshotOfAsync(IReadOnlyCollection<string> keys, IReadOnlySet<string> changed, Snapshot source, CancellationToken cancellationToken)
    {
        if (FileSystemOps.KindAt(options.Path) is not ItemKind.Directory)
        {
            return Task.FromResult<Snapshot?>(null);
        }

        return Task.Run<Snapshot?>(() =>
        {
            var (snapshot, temps) = ChangedPathSnapshot.Read(
                new TreeWalker(options.Path, _filter),
                keys,
                d => changed.Contains(d.Key) || source.Items.GetValueOrDefault(d.Key) is not { Kind: ItemKind.Directory },
                cancellationToken);
            _leftoverTemps = temps;
            return snapshot;
        }, cancellationToken);
    }

    public async ValueTask<bool> SameContentAsync(Item source, Item destination, IItemSource from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(from);
        if (source.Kind != ItemKind.File || destination.Kind != ItemKind.File || source.Size != destination.Size)
        {
            return false;
        }

        var local = from.TryGetLocalPath(source);
        byte[] ours, theirs;
        try
        {
            ours = await HashFileAsync(FullPath(destination.Key), cancellationToken);
            if (local is not null)
            {
                theirs = await HashFileAsync(local, cancellationToken);
            }
            else
            {
                await using var stream = await from.OpenReadAsync(source, cancellationToken);
                theirs = await SHA256.HashDataAsync(stream, cancellationToken);
            }
        }
        catch (Exception e) when (local is not null && e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false; // one of the two files was removed since it was listed: the apply copies or leaves it as it finds it then
        }

        return ours.AsSpan().SequenceEqual(theirs);
    }

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        return await SHA256.HashDataAsync(stream, cancellationToken);
    }

    private string FullPath(string key) => Path.Join(options.Path, key);
}
