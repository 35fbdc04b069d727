namespace Syncplane.Planning.TwoWay;

/// <summary>
/// What a stored listing says about itself without being loaded: the folders it is of, each side's
/// <see cref="SideDigest"/>, and whether its two sides hold the same keys as the same kinds (<paramref name="InSync"/>).
/// </summary>
/// <remarks>
/// When both sides now have the digests of an in-sync listing, every key is unchanged on both sides and held by both
/// as the same kind: the decision table then changes nothing, so a re-sync is done without loading the listing.
/// </remarks>
public sealed record ListingDigests(string SourceRoot, string DestinationRoot, SideDigest Source, SideDigest Destination, bool InSync)
{
    /// <summary>True when both sides hold the same keys, each as the same kind on both.</summary>
    public static bool AreInSync(IReadOnlyDictionary<string, Item> source, IReadOnlyDictionary<string, Item> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Count != destination.Count)
        {
            return false;
        }

        foreach (var (key, item) in source)
        {
            if (!destination.TryGetValue(key, out var other) || other.Kind != item.Kind)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether both sides are now exactly as this in-sync listing has them.</summary>
    public bool Unchanged(string sourceRoot, string destinationRoot, SideDigest source, SideDigest destination) =>
        InSync && SourceRoot == sourceRoot && DestinationRoot == destinationRoot && Source == source && Destination == destination;
}
