namespace Syncplane.Connectors.Directory;

/// <summary>
/// Names of the temporary files a destination writes before renaming them over their targets:
/// <c>.syncplane-&lt;pid&gt;-&lt;n&gt;.tmp</c> in the target's own directory (so the rename is atomic).
/// Snapshots never show them; an apply deletes the ones a killed run left behind.
/// </summary>
internal static class TempFiles
{
    private const string Prefix = ".syncplane-";
    private const string Suffix = ".tmp";
    private static long _counter;
    private static readonly string ProcessPart = $"{Environment.ProcessId:x}-{Random.Shared.Next():x}";

    public static bool IsTempName(ReadOnlySpan<char> name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal);

    public static string NewPath(string directory) =>
        Path.Join(directory, $"{Prefix}{ProcessPart}-{Interlocked.Increment(ref _counter):x}{Suffix}");
}
