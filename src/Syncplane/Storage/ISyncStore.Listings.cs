using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

public partial interface ISyncStore
{
    /// <summary>The listing the last successful run of a bidirectional target saved; null before its first (a resync).</summary>
    Task<Listing?> GetListingAsync(string target, CancellationToken cancellationToken);

    /// <summary>Replaces a bidirectional target's listing (both sides and the roots) after a successful run, in one transaction.</summary>
    /// <remarks>Each side is kept as one compressed value, so a save is one row however many items the sides hold.</remarks>
    Task SaveListingAsync(string target, Listing listing, CancellationToken cancellationToken);
}
