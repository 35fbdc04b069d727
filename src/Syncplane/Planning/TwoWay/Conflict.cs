namespace Syncplane.Planning.TwoWay;

/// <summary>A key that changed differently on both sides, and how the plan settles it.</summary>
/// <param name="Key">The key on both sides.</param>
/// <param name="Source">The source's copy (null when it is absent there, as in a file/directory clash below it).</param>
/// <param name="Destination">The destination's copy.</param>
/// <param name="Resolution">For people: why the winner won (<c>newer</c>, <c>a tie keeps both</c>, <c>a directory keeps its name</c>, …).</param>
/// <param name="Winner">The side whose copy keeps <paramref name="Key"/> on both sides.</param>
/// <param name="KeptAs">Where the losing copy goes on both sides; null when it is overwritten.</param>
public sealed record Conflict(string Key, Item? Source, Item? Destination, string Resolution, TwoWaySide Winner, string? KeptAs);
