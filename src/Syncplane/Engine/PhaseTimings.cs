namespace Syncplane.Engine;

/// <summary>Stopwatch laps of a run's phases, for its log ("walks and listing load 120 ms, compare 15 ms, …").</summary>
internal sealed class PhaseTimings(TimeProvider time)
{
    private readonly List<string> _laps = [];
    private long _started = time.GetTimestamp();

    public void Lap(string phase)
    {
        var now = time.GetTimestamp();
        _laps.Add($"{phase} {time.GetElapsedTime(_started, now).TotalMilliseconds:F0} ms");
        _started = now;
    }

    public override string ToString() => string.Join(", ", _laps);
}
