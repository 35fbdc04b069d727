using Syncplane.Config;

namespace Syncplane.Engine;

/// <summary>
/// Makes the directories that the config's <c>outputs</c> name exist (each glob's fixed leading segments:
/// <c>docs/runtime</c> for <c>docs/runtime/apps_truth.json</c>), as seed 004's troubleshooting asks, so scripts and
/// checks that look into them (<c>find docs/runtime …</c>) work on a fresh clone. Only empty directories under the
/// root are created; git does not track them, so the work tree stays clean.
/// </summary>
internal static class OutputDirectories
{
    public static void Create(SyncplaneConfig config)
    {
        var root = Path.TrimEndingDirectorySeparator(config.BaseDirectory) + Path.DirectorySeparatorChar;
        var prefixes = config.Targets.SelectMany(t => t.Outputs).Select(g => g.StaticPrefix).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal);
        foreach (var directory in prefixes.Select(p => Path.GetFullPath(p, config.BaseDirectory)).Where(d => d.StartsWith(root, StringComparison.Ordinal)))
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file in the way or no permission: the script that writes there reports it in its own words.
            }
        }
    }
}
