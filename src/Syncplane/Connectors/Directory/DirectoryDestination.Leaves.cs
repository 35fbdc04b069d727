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

        var temp = TempFiles.NewPath(Path.GetDirectoryName(path)!);
        try
        {
            if (item.Kind == ItemKind.Symlink)
            {
                File.CreateSymbolicLink(temp, item.LinkTarget ?? "");
                NativeFileCopy.TrySetLinkTime(temp, item.MtimeTicks);
            }
            else
            {
                await WriteFileAsync(temp, item, from, cancellationToken);
            }

            if (change.Destination?.Kind == ItemKind.Directory)
            {
                ReplaceDirectory(path, change.Key);
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
        if (local is not null && NativeFileCopy.IsAvailable && NativeFileCopy.TryCopy(local, temp, item.Size, item.Mode, item.MtimeTicks))
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

        File.SetLastWriteTimeUtc(temp, FileSystemOps.UtcFromTicks(item.MtimeTicks));
    }

    private static void SetFileMetadata(string path, Item item, Item existing)
    {
        if (item.Mode != 0 && item.Mode != existing.Mode)
        {
            FileSystemOps.SetMode(path, item.Mode);
        }

        if (item.MtimeTicks != existing.MtimeTicks)
        {
            File.SetLastWriteTimeUtc(path, FileSystemOps.UtcFromTicks(item.MtimeTicks));
        }
    }

    private void ReplaceDirectory(string path, string key)
    {
        if (FileSystemOps.KindAt(path) != ItemKind.Directory)
        {
            return;
        }

        _verified.TryRemove(key, out _);
        if (!FileSystemOps.DeleteTree(path, key, _filter.IsExcluded))
        {
            throw new IOException($"cannot replace directory '{key}' in {options.Path} with a file: it holds excluded entries");
        }
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
