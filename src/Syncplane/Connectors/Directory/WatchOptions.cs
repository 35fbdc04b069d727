namespace Syncplane.Connectors.Directory;

/// <summary>The <c>watch</c> option of a <c>directory</c> source: <c>serve</c> watches the folder and runs the target on a change.</summary>
/// <param name="Enabled">False for <c>watch: false</c>, which keeps the <c>realtime</c> preset from turning watching on.</param>
/// <param name="Debounce">How long after the first change of a burst the run is queued; every change in that window joins it. <value>50 ms</value></param>
public sealed record WatchOptions(bool Enabled, TimeSpan Debounce)
{
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan MaxDebounce = TimeSpan.FromMinutes(1);

    /// <summary>Watching on with the default debounce (<c>watch: true</c>, or the <c>realtime</c> preset).</summary>
    public static readonly WatchOptions On = new(true, DefaultDebounce);
}
