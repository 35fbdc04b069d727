using Syncplane.Config;
using Syncplane.Connectors.Directory;

namespace Syncplane.Engine.Watch;

/// <summary>Which targets <c>serve</c> watches.</summary>
internal static class WatchedTargets
{
    /// <summary>The trigger of a run queued by a watcher; such a run reads only the changed paths.</summary>
    public const string Trigger = "watch";

    /// <summary>
    /// A one-way target whose source is a directory, with <c>watch: true</c> (or <c>{ debounce: … }</c>), or with the
    /// <c>realtime</c> preset and no <c>watch: false</c>; null for every other target.
    /// </summary>
    public static WatchOptions? Of(TargetConfig target) =>
        target.Direction != SyncDirection.Bidirectional && target.Source?.Options is DirectoryOptions source
            ? source.Watch switch
            {
                { Enabled: true } on => on,
                null when target.Schedule.Text == "realtime" => WatchOptions.On,
                _ => null,
            }
            : null;

    /// <summary>The watched source folder of <paramref name="target"/>.</summary>
    public static string Root(TargetConfig target) => ((DirectoryOptions)target.Source!.Options).Path;
}
