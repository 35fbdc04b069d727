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
public sealed record Change(ChangeKind Kind, string Key, Item? Source, Item? Destination, bool ContentChanged = true);

/// <summary>Counters that describe a plan; what runs record and reports print.</summary>
public sealed record PlanSummary(int Creates, int Updates, int Deletes, int Unchanged, long BytesToWrite)
{
    public int Total => Creates + Updates + Deletes;
}

/// <summary>The difference between a source and a destination snapshot.</summary>
public sealed record Plan(IReadOnlyList<Change> Changes, PlanSummary Summary, string? SourceRevision = null)
{
    public bool IsEmpty => Changes.Count == 0;
}
