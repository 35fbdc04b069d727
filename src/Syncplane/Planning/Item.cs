namespace Syncplane.Planning;

/// <summary>What an item is on disk (or the remote equivalent).</summary>
public enum ItemKind
{
    File,
    Directory,
    Symlink,
}

/// <summary>
/// The unit of change detection: a key plus what is needed to tell whether it changed.
/// </summary>
/// <remarks>
/// Keys are relative, use '/' as separator, never start with '/', never contain '.' or '..' segments.
/// <see cref="Hash"/> is a lowercase hex SHA-256 of the content, or null when it was not computed
/// (directory snapshots hash lazily, only where size and mtime disagree).
/// </remarks>
/// <param name="Key">Relative path or record key.</param>
/// <param name="Kind">File, directory or symlink.</param>
/// <param name="Size">Content length in bytes (0 for directories).</param>
/// <param name="MtimeTicks">Last write time as UTC ticks (100 ns since 0001-01-01).</param>
/// <param name="Mode">Unix permission bits (0 when unknown).</param>
/// <param name="Hash">Content hash, or null when not computed.</param>
/// <param name="LinkTarget">The target of a symlink, as stored in the link.</param>
/// <param name="MtimeExtraNanos">
/// The nanoseconds of the last write time below <paramref name="MtimeTicks"/>' 100 ns (0–99), where the source knows them
/// (local directories on Linux): a copy then keeps the source's exact time, so <c>rsync -a</c> sees it as unchanged.
/// </param>
public sealed record Item(
    string Key,
    ItemKind Kind,
    long Size,
    long MtimeTicks,
    int Mode = 0,
    string? Hash = null,
    string? LinkTarget = null,
    int MtimeExtraNanos = 0);
