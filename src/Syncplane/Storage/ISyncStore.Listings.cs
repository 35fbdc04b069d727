using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

public partial interface ISyncStore
{
    /// <summary>The listing the last successful run of a bidirectional target saved, its items not yet decoded; null before its first (a resync).</summary>
    Task<StoredListing?> GetListingAsync(string target, CancellationToken cancellationToken);

    /// <summary>
    /// The roots and digests of the stored listing, read without loading its items; null when there is none, or it was
    /// saved in a format without digests (the next save adds them).
    /// </summary>
    Task<ListingDigests?> GetListingDigestsAsync(string target, CancellationToken cancellationToken);

    /// <summary>Replaces a bidirectional target's listing (both sides and the roots) after a successful run, in one transaction.</summary>
    /// <remarks>Each side is kept as one value of compressed ranges of keys, so a save is one row however many items the sides hold.</remarks>
    /// <param name="target">The target.</param>
    /// <param name="listing">What both sides hold now.</param>
    /// <param name="previous">The listing this one replaces, as <see cref="GetListingAsync"/> read it: its ranges the sides did not change are saved as they were (null: none).</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>The digests of what was saved, as <see cref="GetListingDigestsAsync"/> now reads them.</returns>
    Task<ListingDigests> SaveListingAsync(string target, Listing listing, StoredListing? previous, CancellationToken cancellationToken);
}
