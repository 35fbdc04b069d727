namespace Syncplane.Planning;

public enum ChangeKind
{
    Create,
    Update,
    Delete,
}

/// <summary>One change in a plan.</summary>
/// <param name="Kind">Create, update or delete.</param>
/// <param name="Key">The item key.</param>
/// <param name="Source">The item on the source side (null for deletes).</param>
/// <param name="Destination">The item on the destination side (null for creates).</param>
/// <param name="ContentChanged">False for an update that only touches metadata (mtime, mode).</param>
public sealed record Change(ChangeKind Kind, string Key, Item? Source, Item? Destination, bool ContentChanged = true)
{
    /// <summary>For an update of a record (a row): the fields that changed, old → new; null for files.</summary>
    public IReadOnlyList<FieldChange>? Fields { get; init; }

    /// <summary>For a change of a two-way plan that writes: the side <see cref="Source"/> is read from.</summary>
    public TwoWay.TwoWaySide? From { get; init; }
}

/// <summary>A field of a record whose value changes; values are JSON literals (<c>12.5</c>, <c>"text"</c>, <c>null</c>).</summary>
public sealed record FieldChange(string Name, string Old, string New);

/// <summary>Counters that describe a plan; what runs record and reports print.</summary>
public sealed record PlanSummary(int Creates, int Updates, int Deletes, int Unchanged, long BytesToWrite)
{
    public int Total => Creates + Updates + Deletes;
}

/// <summary>The difference between a source and a destination snapshot.</summary>
public sealed record Plan(IReadOnlyList<Change> Changes, PlanSummary Summary, string? SourceRevision = null)
{
    public bool IsEmpty => Changes.Count == 0 && Omitted == 0;

    /// <summary>Changes counted in the summary but not listed in <see cref="Changes"/> (a record plan lists the first ones only).</summary>
    public int Omitted { get; init; }

    /// <summary>For a bidirectional target: the changes into each side and the conflicts; <see cref="Changes"/> holds both sides' changes.</summary>
    public TwoWay.TwoWayPlan? TwoWay { get; init; }
}
