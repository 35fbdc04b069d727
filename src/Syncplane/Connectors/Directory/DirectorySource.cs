using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>Reads a local directory tree as items.</summary>
internal sealed class DirectorySource(DirectoryOptions options, ConnectorContext context) : IItemSource
{
    // TODO(directory): implement.
    public Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken) => throw new NotImplementedException($"{options.Path} {context.TargetName}");

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) => throw new NotImplementedException();

    public string? TryGetLocalPath(Item item) => throw new NotImplementedException();
}
