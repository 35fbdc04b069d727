using System.Collections.Concurrent;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

internal sealed partial class DirectoryDestination
{
    private const int ProgressEvery = 512;
    private const int BatchSize = 128;

    // Directory keys known to be real directories (not symlinks) during one apply.
    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);
    private int _applied;

    /// <remarks>
    /// Order: deletes (deepest first), then directories one by one (parents first), then files and symlinks
    /// in parallel (their parents exist by then), then directory modes and mtimes. Directories whose
    /// contents changed but that are themselves unchanged get their previous mtime back.
    /// </remarks>
    public async Task ApplyAsync(Plan plan, IItemSource from, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(from);
        foreach (var change in plan.Changes)
        {
            if (SafeKeys.Problem(change.Key) is { } why)
            {
                throw new UnsafePathException(options.Path, change.Key, why);
            }
        }

        System.IO.Directory.CreateDirectory(options.Path);
        _verified.Clear();
        _applied = 0;
        CleanLeftoverTemps();
        if (plan.Changes.Count == 0)
        {
            // Nothing to write: no directory times to record or restore, and no copy workers to start (a re-sync
            // with nothing changed, and every run's fixed cost, would pay for their start-up and nothing else).
            progress?.Report(0);
            return;
        }

        var deletes = new List<Change>();
        var directories = new List<Change>();
        var leaves = new List<Change>();
        foreach (var change in plan.Changes)
        {
            (change.Kind == ChangeKind.Delete ? deletes : change.Source!.Kind == ItemKind.Directory ? directories : leaves).Add(change);
        }

        var restore = RecordParentTimes(plan);

        if (deletes.Count > 0 && !options.Delete)
        {
            context.Log.Warn($"delete is off for {options.Path}: leaving {deletes.Count} item(s) that the source no longer has");
            deletes.Clear();
        }

        foreach (var change in deletes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ApplyDelete(change);
            Advance(progress);
        }

        foreach (var change in directories)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ApplyDirectory(change);
            Advance(progress);
        }

        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        await Parallel.ForEachAsync(ByDirectory(leaves), parallel, async (batch, token) =>
        {
            foreach (var change in batch)
            {
                await ApplyLeafAsync(change, from, token);
                Advance(progress);
            }
        });

        FinishDirectories(directories, restore);
        progress?.Report(_applied);
    }

    /// <summary>
    /// Splits leaves (in key order) into runs that share a parent directory, at most
    /// <see cref="BatchSize"/> long: workers then mostly create and rename in different directories
    /// instead of queueing on one directory's lock in the kernel.
    /// </summary>
    private static List<ArraySegment<Change>> ByDirectory(List<Change> leaves)
    {
        var all = leaves.ToArray();
        var batches = new List<ArraySegment<Change>>();
        var start = 0;
        for (var i = 1; i <= all.Length; i++)
        {
            if (i == all.Length || i - start >= BatchSize || !SameParent(all[start].Key, all[i].Key))
            {
                batches.Add(new ArraySegment<Change>(all, start, i - start));
                start = i;
            }
        }

        return batches;
    }

    private static bool SameParent(string a, string b)
    {
        var slash = a.LastIndexOf('/');
        return slash == b.LastIndexOf('/') && string.CompareOrdinal(a, 0, b, 0, slash + 1) == 0;
    }

    private void Advance(IProgress<int>? progress)
    {
        var applied = Interlocked.Increment(ref _applied);
        if (applied % ProgressEvery == 0)
        {
            progress?.Report(applied);
        }
    }

    private void CleanLeftoverTemps()
    {
        foreach (var temp in _leftoverTemps)
        {
            File.Delete(temp);
        }

        if (_leftoverTemps.Count > 0)
        {
            context.Log.Info($"removed {_leftoverTemps.Count} temp file(s) left by an interrupted run in {options.Path}");
        }

        _leftoverTemps = [];
    }

    /// <summary>Mtimes of unchanged directories whose entries the plan changes, to put back afterwards.</summary>
    private List<(string Path, MtimeStamp Mtime)> RecordParentTimes(Plan plan)
    {
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in plan.Changes)
        {
            if (change.Kind == ChangeKind.Delete || change.Source!.Kind == ItemKind.Directory)
            {
                planned.Add(change.Key);
            }
        }

        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in plan.Changes)
        {
            var parent = SafeKeys.Parent(change.Key);
            if (parent.Length > 0 && !planned.Contains(parent))
            {
                parents.Add(parent);
            }
        }

        var times = new List<(string, MtimeStamp)>(parents.Count);
        foreach (var parent in parents)
        {
            var path = FullPath(parent);
            if (FileSystemOps.KindAt(path) == ItemKind.Directory)
            {
                times.Add((path, FileSystemOps.MtimeAt(path)));
            }
        }

        return times;
    }

    private void FinishDirectories(List<Change> directories, List<(string Path, MtimeStamp Mtime)> restore)
    {
        foreach (var (path, mtime) in restore)
        {
            if (FileSystemOps.KindAt(path) == ItemKind.Directory)
            {
                FileSystemOps.SetMtime(path, mtime);
            }
        }

        for (var i = directories.Count - 1; i >= 0; i--)
        {
            var item = directories[i].Source!;
            var path = FullPath(item.Key);
            if (item.Mode != 0)
            {
                FileSystemOps.SetMode(path, item.Mode);
            }

            FileSystemOps.SetMtime(path, MtimeStamp.Of(item));
        }
    }

    private void ApplyDelete(Change change)
    {
        if (!EnsureDirectory(SafeKeys.Parent(change.Key), change.Key, create: false))
        {
            return; // the parent is gone, so is the item
        }

        var path = FullPath(change.Key);
        if (Guarded)
        {
            GuardedDelete(change, path);
            return;
        }

        if (FileSystemOps.DeleteNonDirectory(path))
        {
            return;
        }

        _verified.TryRemove(change.Key, out _);
        if (!FileSystemOps.DeleteTree(path, change.Key, _filter.IsExcluded))
        {
            context.Log.Warn($"kept directory {change.Key}: it holds excluded entries");
        }
    }

    private void ApplyDirectory(Change change)
    {
        EnsureDirectory(SafeKeys.Parent(change.Key), change.Key, create: true);
        var path = FullPath(change.Key);
        if (Guarded && FileSystemOps.KindAt(path) is { } there && there != ItemKind.Directory && !FileSystemOps.Matches(path, change.Destination))
        {
            Skip(change.Key);
            return;
        }

        if (!FileSystemOps.DeleteNonDirectory(path)) // false: it already is a directory
        {
            _verified.TryAdd(change.Key, 0);
            return;
        }

        System.IO.Directory.CreateDirectory(path);
        _verified.TryAdd(change.Key, 0);
    }

    private void GuardedDelete(Change change, string path)
    {
        if (!FileSystemOps.Matches(path, change.Destination))
        {
            Skip(change.Key);
            return;
        }

        if (change.Destination!.Kind != ItemKind.Directory)
        {
            File.Delete(path);
            return;
        }

        _verified.TryRemove(change.Key, out _);
        if (System.IO.Directory.EnumerateFileSystemEntries(path).Any())
        {
            Skip(change.Key); // something was added to it meanwhile
            return;
        }

        System.IO.Directory.Delete(path);
    }

    private void Skip(string key) => _skipped.Enqueue(key);

    /// <summary>
    /// Makes sure directory <paramref name="dirKey"/> is a real directory inside the root (creating it when
    /// <paramref name="create"/>); false when it does not exist and was not created.
    /// </summary>
    private bool EnsureDirectory(string dirKey, string forKey, bool create)
    {
        if (dirKey.Length == 0 || _verified.ContainsKey(dirKey))
        {
            return true;
        }

        if (!EnsureDirectory(SafeKeys.Parent(dirKey), forKey, create))
        {
            return false;
        }

        var path = FullPath(dirKey);
        switch (FileSystemOps.KindAt(path))
        {
            case ItemKind.Directory:
                break;
            case ItemKind.Symlink:
                throw new UnsafePathException(options.Path, forKey, $"'{dirKey}' is a symlink in the destination");
            case ItemKind.File:
                throw new IOException($"cannot write '{forKey}' under {options.Path}: '{dirKey}' is a file");
            default:
                if (!create)
                {
                    return false;
                }

                System.IO.Directory.CreateDirectory(path);
                if (FileSystemOps.KindAt(path) != ItemKind.Directory)
                {
                    throw new UnsafePathException(options.Path, forKey, $"'{dirKey}' changed while it was being created");
                }

                break;
        }

        _verified.TryAdd(dirKey, 0);
        return true;
    }
}
