using Syncplane.Connectors.Git;

namespace Syncplane.Connectors;

/// <summary>A source that syncs into only part of its destination (a git source with <c>map</c>).</summary>
internal interface IScopedSource : IItemSource
{
    /// <summary>
    /// The destination paths the source writes; only what is at or under them is compared, deleted and committed.
    /// Null when the source owns the whole destination.
    /// </summary>
    GitPathMap? DestinationScope { get; }
}
