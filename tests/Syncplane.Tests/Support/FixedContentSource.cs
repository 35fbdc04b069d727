using System.Text;
using Syncplane.Connectors;
using Syncplane.Planning;

namespace Syncplane.Tests.Support;

/// <summary>A source with no local files: every item reads as the same text (exercises the streaming path).</summary>
internal sealed class FixedContentSource(string content) : IItemSource
{
    public Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken) => Task.FromResult(Snapshot.Empty);

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(content)));

    public string? TryGetLocalPath(Item item) => null;
}
