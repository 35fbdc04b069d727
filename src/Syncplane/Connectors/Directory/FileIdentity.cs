namespace Syncplane.Connectors.Directory;

/// <summary>A file's identity as <see cref="NativeDirectoryReader.IdentityAt"/> reads it (times in nanoseconds since the epoch).</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, Int128 Changed, Int128 Modified);
