using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

public partial interface ISyncStore
{
    /// <summary>The listing the last successful run of a bidirectional target saved; null before its first (a resync).</summary>
    Task<Listing?> GetListingAsync(string target, CancellationToken cancellationToken);

    /// <summary>Saves a bidirectional target's listing after a successful run: both sides' changes and the roots, in one transaction.</summary>
    Task SaveListingAsync(string target, ListingChanges changes, CancellationToken cancellationToken);
}

/// <summary>What a run changes in a listing: each side's upserts and deletes (only the rows that differ) and the roots.</summary>
public sealed record ListingChanges(
    string SourceRoot,
    string DestinationRoot,
    IReadOnlyCollection<Item> SourceUpserts,
    IReadOnlyCollection<string> SourceDeletes,
    IReadOnlyCollection<Item> DestinationUpserts,
    IReadOnlyCollection<string> DestinationDeletes);
