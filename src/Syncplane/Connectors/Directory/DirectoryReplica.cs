using System.Security.Cryptography;
using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// One side of a bidirectional target: a folder that is read like a source and written like a destination, every
/// write and delete guarded (<see cref="DirectoryDestination.Guarded"/>) so that nothing changed since the plan is
/// overwritten.
/// </summary>
internal sealed class DirectoryReplica(DirectoryOptions options, ConnectorContext context)
{
    public string Root => options.Path;

    public DirectorySource Reader { get; } = new(options, context);

    public DirectoryDestination Writer { get; } = new(options, context) { Guarded = true };

    /// <summary>The folder's items; empty when the folder does not exist (the engine decides whether that is allowed).</summary>
    public Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken) => Writer.SnapshotAsync(cancellationToken);

    public string PathOf(string key) => Path.Join(options.Path, key);

    /// <summary>The SHA-256 of a file, lowercase hex (the form <see cref="Item.Hash"/> takes).</summary>
    public async ValueTask<string> HashAsync(Item item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await using var stream = new FileStream(PathOf(item.Key), FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
