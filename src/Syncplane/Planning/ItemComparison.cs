namespace Syncplane.Planning;

/// <summary>How an item on the destination relates to the same key on the source.</summary>
internal enum ItemDifference
{
    /// <summary>Kind, size, mtime, mode (and link target) all match.</summary>
    None,

    /// <summary>Only metadata (mtime of a directory, mode) differs.</summary>
    Metadata,

    /// <summary>Same size, different mtime: the content may or may not differ.</summary>
    MaybeContent,

    /// <summary>Kind, size, link target or a known hash differs.</summary>
    Content,
}

/// <summary>The comparison rules of the planner, kept in one place.</summary>
internal static class ItemComparison
{
    /// <remarks>
    /// Symlinks compare by target only: their own mtime and mode are not preserved (Linux has no
    /// lchmod, and a link's mode is always 0777). A mode of 0 means "unknown" and matches anything.
    /// When both sides carry a content hash it decides instead of the mtime.
    /// </remarks>
    public static ItemDifference Compare(Item source, Item destination)
    {
        if (source.Kind != destination.Kind)
        {
            return ItemDifference.Content;
        }

        if (source.Kind == ItemKind.Symlink)
        {
            return string.Equals(source.LinkTarget, destination.LinkTarget, StringComparison.Ordinal)
                ? ItemDifference.None
                : ItemDifference.Content;
        }

        var modeDiffers = source.Mode != 0 && destination.Mode != 0 && source.Mode != destination.Mode;
        var mtimeDiffers = source.MtimeTicks != destination.MtimeTicks || source.MtimeExtraNanos != destination.MtimeExtraNanos;
        if (source.Kind == ItemKind.Directory)
        {
            return modeDiffers || mtimeDiffers ? ItemDifference.Metadata : ItemDifference.None;
        }

        if (source.Size != destination.Size)
        {
            return ItemDifference.Content;
        }

        if (source.Hash is not null && destination.Hash is not null)
        {
            if (!string.Equals(source.Hash, destination.Hash, StringComparison.OrdinalIgnoreCase))
            {
                return ItemDifference.Content;
            }

            return modeDiffers || mtimeDiffers ? ItemDifference.Metadata : ItemDifference.None;
        }

        if (mtimeDiffers)
        {
            return ItemDifference.MaybeContent;
        }

        return modeDiffers ? ItemDifference.Metadata : ItemDifference.None;
    }
}
