namespace Syncplane.Planning.TwoWay;

/// <summary>
/// What both sides of a two-way target held after its last successful run: the reference every change is
/// detected against. Kept in the store (key, kind, size, mtime, mode, link target, and the content hash when
/// one was computed) and replaced only when a run succeeds.
/// </summary>
/// <param name="Source">The source side's items, key → item.</param>
/// <param name="Destination">The destination side's items.</param>
/// <param name="SourceRoot">The source's root path when the listing was saved: a listing of another folder is no reference.</param>
/// <param name="DestinationRoot">The destination's root path.</param>
public sealed record Listing(
    IReadOnlyDictionary<string, Item> Source,
    IReadOnlyDictionary<string, Item> Destination,
    string SourceRoot,
    string DestinationRoot)
{
    /// <summary>
    /// When known, the only keys at which the sides as a run found them may differ from this listing, which was saved in
    /// sync: at every other key both sides hold their listed items, the same kind on both, so the decision table keeps
    /// it and the planner does not look. Null: every key is looked at.
    /// </summary>
    public IReadOnlySet<string>? ChangedOnlyAt { get; init; }

    public IReadOnlyDictionary<string, Item> Of(TwoWaySide side) => side == TwoWaySide.Source ? Source : Destination;
}
