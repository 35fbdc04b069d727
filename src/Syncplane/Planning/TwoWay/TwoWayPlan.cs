namespace Syncplane.Planning.TwoWay;

/// <summary>
/// A two-way plan: the changes into each side (each a one-way plan's changes, applied front to back), every
/// conflict with its resolution, and each side's items as seen (with the content hashes the planner computed).
/// </summary>
/// <remarks>
/// A change whose <see cref="Change.Source"/> key differs from its own key is a conflict copy: it reads the losing
/// copy under its old name, so it is applied before anything overwrites that name.
/// </remarks>
public sealed record TwoWayPlan(
    IReadOnlyList<Change> IntoSource,
    IReadOnlyList<Change> IntoDestination,
    IReadOnlyList<Conflict> Conflicts,
    int Unchanged)
{
    /// <summary>True for a plan built with <c>--resync</c> (no listing: union of both sides, newer wins).</summary>
    public bool Resync { get; init; }

    /// <summary>The source's items as planned, with hashes computed while planning.</summary>
    public IReadOnlyDictionary<string, Item> SourceItems { get; init; } = new Dictionary<string, Item>();

    /// <summary>The destination's items as planned.</summary>
    public IReadOnlyDictionary<string, Item> DestinationItems { get; init; } = new Dictionary<string, Item>();

    /// <summary>True when every source item as found equals its listed item in every field (and nothing else is listed): the listing of the side needs no check.</summary>
    public bool SourceAsListed { get; init; }

    /// <summary>As <see cref="SourceAsListed"/>, for the destination.</summary>
    public bool DestinationAsListed { get; init; }

    public bool AsListed(TwoWaySide side) => side == TwoWaySide.Source ? SourceAsListed : DestinationAsListed;

    public IReadOnlyList<Change> Into(TwoWaySide side) => side == TwoWaySide.Source ? IntoSource : IntoDestination;

    public IReadOnlyDictionary<string, Item> ItemsOf(TwoWaySide side) => side == TwoWaySide.Source ? SourceItems : DestinationItems;

    /// <summary>The changes into both sides with a summary, as one <see cref="Plan"/> that runs record and reports count.</summary>
    public Plan ToPlan()
    {
        var all = IntoDestination.Concat(IntoSource).ToList();
        var source = Planner.Summarize([.. IntoSource], 0);
        var destination = Planner.Summarize([.. IntoDestination], 0);
        var summary = new PlanSummary(
            source.Creates + destination.Creates,
            source.Updates + destination.Updates,
            source.Deletes + destination.Deletes,
            Unchanged,
            source.BytesToWrite + destination.BytesToWrite);
        return new Plan(all, summary) { TwoWay = this };
    }
}
