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

    /// <summary>Every item of both sides.</summary>
    public Listing Decode() => new(Source.Decode(), Destination.Decode(), SourceRoot, DestinationRoot);

    /// <summary>
    /// One side's listed items as a run compares them with what the side holds now (<paramref name="now"/>, whose digest
    /// is <paramref name="nowDigest"/>): equal to the stored items in every field a decision reads.
    /// </summary>
    public IReadOnlyDictionary<string, Item> Against(TwoWaySide side, IReadOnlyDictionary<string, Item> now, SideDigest nowDigest) =>
        (side == TwoWaySide.Source ? Source : Destination).Against(now, nowDigest);
}
