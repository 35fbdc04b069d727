using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

internal sealed partial class DirectoryDestination
{
    private async ValueTask ApplyLeafAsync(Change change, IItemSource from, CancellationToken cancellationToken)
    {
        var item = change.Source!;
        EnsureDirectory(SafeKeys.Parent(change.Key), change.Key, create: true);
        var path = FullPath(change.Key);
        if (item.Kind == ItemKind.File && change.Kind == ChangeKind.Update && !change.ContentChanged && change.Destination?.Kind == ItemKind.File)
        {
            SetFileMetadata(path, item, change.Destination);
            return;
        }

        if (Guarded && !FileSystemOps.Matches(path, change.Destination))
        {
            Skip(change.Key); // changed on this side since the plan
            return;
        }

        var temp = TempFiles.NewPath(Path.GetDirectoryName(path)!);
        try
        {
            if (item.Kind == ItemKind.Symlink)
            {
                File.CreateSymbolicLink(temp, item.LinkTarget ?? "");
                NativeFileCopy.TrySetLinkTime(temp, MtimeStamp.Of(item));
            }
            else
            {
                try
                {
                    await WriteFileAsync(temp, item, from, cancellationToken);
                }
                catch (IOException) when (from.TryGetLocalPath(item) is { } local && FileSystemOps.KindAt(local) != ItemKind.File)
                {
                    TryDelete(temp);
                    Skip(change.Key); // the source file was removed (or replaced) since it was listed
                    return;
                }
            }

            if (Guarded && (!ReadFromAsPlanned(item, from) || !FileSystemOps.Matches(path, change.Destination)))
            {
                TryDelete(temp);
                Skip(change.Key);
                return;
            }

            if (change.Destination?.Kind == ItemKind.Directory && !ReplaceDirectory(path, change.Key))
            {
                TryDelete(temp);
                Skip(change.Key);
                return;
            }

            NativeRename.Replace(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static async ValueTask WriteFileAsync(string temp, Item item, IItemSource from, CancellationToken cancellationToken)
    {
        var local = from.TryGetLocalPath(item);
        if (local is not null && NativeFileCopy.IsAvailable && NativeFileCopy.TryCopy(local, temp, item.Size, item.Mode, MtimeStamp.Of(item)))
        {
            return;
        }

        if (local is not null)
        {
            File.Copy(local, temp, overwrite: false); // also copies the source's mode bits
        }
        else
        {
            await using var input = await from.OpenReadAsync(item, cancellationToken);
            await using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
            await input.CopyToAsync(output, cancellationToken);
        }

        if (item.Mode != 0 && (local is null || (item.Mode & 0xE00) != 0))
        {
            FileSystemOps.SetMode(temp, item.Mode);
        }

        FileSystemOps.SetMtime(temp, MtimeStamp.Of(item));
    }

    private static void SetFileMetadata(string path, Item item, Item existing)
    {
        if (item.Mode != 0 && item.Mode != existing.Mode)
        {
            FileSystemOps.SetMode(path, item.Mode);
        }

        if (MtimeStamp.Of(item) != MtimeStamp.Of(existing))
        {
            FileSystemOps.SetMtime(path, MtimeStamp.Of(item));
        }
    }

    /// <summary>The copy read what was planned: the item it came from is still as listed (checked after the copy).</summary>
    private static bool ReadFromAsPlanned(Item item, IItemSource from) =>
        from.TryGetLocalPath(item) is not { } local || FileSystemOps.Matches(local, item);

    /// <summary>Removes the directory a file replaces; false (guarded) when it is not empty.</summary>
    private bool ReplaceDirectory(string path, string key)
    {
        if (FileSystemOps.KindAt(path) != ItemKind.Directory)
        {
            return true;
        }

        _verified.TryRemove(key, out _);
        if (Guarded)
        {
            if (System.IO.Directory.EnumerateFileSystemEntries(path).Any())
            {
                return false;
            }

            System.IO.Directory.Delete(path);
            return true;
        }

        if (!FileSystemOps.DeleteTree(path, key, _filter.IsExcluded))
        {
            throw new IOException($"cannot replace directory '{key}' in {options.Path} with a file: it holds excluded entries");
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
