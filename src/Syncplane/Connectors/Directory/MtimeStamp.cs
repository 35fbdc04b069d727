using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>A modification time to the nanosecond: UTC ticks (100 ns) plus the nanoseconds below them (0–99), as <see cref="Item"/> carries it.</summary>
internal readonly record struct MtimeStamp(long Ticks, int ExtraNanos)
{
    public static MtimeStamp Of(Item item) => new(item.MtimeTicks, item.MtimeExtraNanos);
}
