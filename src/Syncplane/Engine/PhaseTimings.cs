namespace Syncplane.Engine;

/// <summary>
/// Stopwatch laps of a run's phases, for its log ("walks and listing load 120 ms (cpu 190 ms), compare 15 ms (cpu 15 ms), …").
/// </summary>
/// <remarks>The process's CPU time beside each lap tells the work apart from waiting on a busy machine.</remarks>
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
        (_started, _cpu) = (now, cpu);
    }

    public override string ToString() => string.Join(", ", _laps);
}
