namespace Syncplane.Engine;

/// <summary>
/// Stopwatch laps of a run's phases, for its log ("walks 120 ms (cpu 190 ms), compare 15 ms (cpu 15 ms), …"). The process's
/// CPU time beside each lap (all threads, so a parallel phase can show more CPU than wall time) is what a loaded
/// machine distorts least.
/// </summary>
internal sealed class PhaseTimings(TimeProvider time)
{
    private readonly List<string> _laps = [];
    private long _started = time.GetTimestamp();
    private TimeSpan _cpu = Environment.CpuUsage.TotalTime;

    public void Lap(string phase)
    {
        var now = time.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        _laps.Add($"{phase} {time.GetElapsedTime(_started, now).TotalMilliseconds:F0} ms (cpu {(cpu - _cpu).TotalMilliseconds:F0} ms)");
        _started = now;
        _cpu = cpu;
    }

    public override string ToString() => string.Join(", ", _laps);
}
