using System.Buffers;

namespace Syncplane.Connectors.Directory;

/// <summary>
/// Names of the temporary files a destination writes before renaming them over their targets:
/// <c>.syncplane-tmp-&lt;16 hex: process&gt;-&lt;16 hex: counter&gt;.tmp</c> in the target's own directory (so the
/// rename is atomic). Only a name of exactly this shape is ours: snapshots skip it and an apply deletes it as a
/// leftover of a killed run (unless an exclude covers it); any other name, <c>.syncplane-x.tmp</c> included,
/// is an ordinary file.
/// </summary>
internal static class TempFiles
{
    private const string Prefix = ".syncplane-tmp-";
    private const string Suffix = ".tmp";
    private const int HexLength = 16;
    private const int NameLength = 15 + HexLength + 1 + HexLength + 4; // Prefix, process, '-', counter, Suffix

    private static readonly string ProcessPart = $"{Environment.ProcessId:x8}{Random.Shared.Next():x8}";
    private static long _counter;

    public static bool IsTempName(ReadOnlySpan<char> name) =>
        name.Length == NameLength
        && name.StartsWith(Prefix, StringComparison.Ordinal)
        && name.EndsWith(Suffix, StringComparison.Ordinal)
        && name[Prefix.Length + HexLength] == '-'
        && IsLowerHex(name.Slice(Prefix.Length, HexLength))
        && IsLowerHex(name.Slice(Prefix.Length + HexLength + 1, HexLength));

    public static string NewPath(string directory) =>
        Path.Join(directory, $"{Prefix}{ProcessPart}-{Interlocked.Increment(ref _counter):x16}{Suffix}");

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static bool IsLowerHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(LowerHex);
}
