using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

/// <summary>
/// A bidirectional target's listing as read from the store, before its items are decoded: a run decodes each side
/// against its walk (<see cref="Against"/>), which reads only the ranges of keys the walk differs in.
/// </summary>
public sealed class StoredListing
{
    internal StoredListing(string sourceRoot, string destinationRoot, ListedSide source, ListedSide destination) =>
        (SourceRoot, DestinationRoot, Source, Destination) = (sourceRoot, destinationRoot, source, destination);

    public string SourceRoot { get; }

    public string DestinationRoot { get; }

    internal ListedSide Source { get; }

    internal ListedSide Destination { get; }

    /// <summary>
    /// Whether the two sides of <paramref name="listing"/> hold the same keys as the same kinds (<see cref="ListingDigests.AreInSync"/>).
    /// When both are patched over the sides of <paramref name="previous"/> and it was saved in sync, only the patched keys
    /// are looked at: at every other key both sides are as stored, so in sync.
    /// </summary>
    internal static bool InSync(Listing listing, StoredListing? previous)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return previous?.PatchedInSync(listing.Source, listing.Destination) is ({ } source, { } destination)
            ? source.Patched.Concat(destination.Patched).All(key => source.GetValueOrDefault(key)?.Kind == destination.GetValueOrDefault(key)?.Kind)
            : ListingDigests.AreInSync(listing.Source, listing.Destination);
    }

    /// <summary>
    /// <see cref="Listing.ChangedOnlyAt"/> for the sides as decoded against the walks (<see cref="Against"/>): their patched
    /// keys, when this listing was saved in sync; null otherwise.
    /// </summary>
    public IReadOnlySet<string>? ChangedOnlyAt(IReadOnlyDictionary<string, Item> source, IReadOnlyDictionary<string, Item> destination) =>
        PatchedInSync(source, destination) is ({ } s, { } d) ? new HashSet<string>(s.Patched.Concat(d.Patched), StringComparer.Ordinal) : null;

    /// <summary>Both sides, when each is patched over this listing's (<see cref="PatchedItems.Stored"/>) and it was saved in sync.</summary>
    private (PatchedItems Source, PatchedItems Destination)? PatchedInSync(IReadOnlyDictionary<string, Item> source, IReadOnlyDictionary<string, Item> destination) =>
        Source.InSync && Destination.InSync
        && source is PatchedItems s && ReferenceEquals(s.Stored, Source)
        && destination is PatchedItems d && ReferenceEquals(d.Stored, Destination)
            ? (s, d)
            : null;

    /// <summary>Every item of both sides.</summary>
    public Listing Decode() => new(Source.Decode(), Destination.Decode(), SourceRoot, DestinationRoot);

    /// <summary>
    /// One side's listed items as a run compares them with what the side holds now (<paramref name="now"/>, whose digest
    /// is <paramref name="nowDigest"/>): equal to the stored items in every field a decision reads.
    /// </summary>
    public IReadOnlyDictionary<string, Item> Against(TwoWaySide side, IReadOnlyDictionary<string, Item> now, SideDigest nowDigest) =>
        (side == TwoWaySide.Source ? Source : Destination).Against(now, nowDigest);
}
