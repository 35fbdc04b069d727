using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Syncplane.Telemetry;

/// <summary>
/// Where the time of the webhook → SSE path goes, stage by stage, for benchmarks: off unless the environment sets
/// <c>SYNCPLANE_TRACE_STAGES=1</c> (then each stage keeps its durations and <see cref="Summary"/> lists their
/// percentiles; <c>serve</c> prints it to stderr when it stops). Off, a call costs one static read.
/// </summary>
internal static class StageTimes
{
    /// <summary>True when stage times are kept.</summary>
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("SYNCPLANE_TRACE_STAGES") == "1";

    private static readonly ConcurrentDictionary<string, ConcurrentBag<double>> Stages = new(StringComparer.Ordinal);

    /// <summary>A timestamp to pass to <see cref="Since"/> (0 when off).</summary>
    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the time from <paramref name="started"/> (a <see cref="Start"/>) to now under <paramref name="stage"/>.</summary>
    public static void Since(string stage, long started)
    {
        if (Enabled)
        {
            Record(stage, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Records <paramref name="value"/> (milliseconds, or a count) under <paramref name="stage"/>.</summary>
    public static void Record(string stage, double value)
    {
        if (Enabled)
        {
            Stages.GetOrAdd(stage, _ => []).Add(value);
        }
    }

    /// <summary>One line per stage: count, p50, p90, p99 and max.</summary>
    public static IEnumerable<string> Summary()
    {
        foreach (var (stage, bag) in Stages.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var values = bag.ToArray();
            Array.Sort(values);
            double At(double q) => values[Math.Min(values.Length - 1, (int)Math.Ceiling(q * values.Length) - 1)];
            yield return string.Create(CultureInfo.InvariantCulture,
                $"stage {stage,-28} n={values.Length,6}  p50 {At(0.5),8:F2}  p90 {At(0.9),8:F2}  p99 {At(0.99),8:F2}  max {values[^1],8:F2}");
        }

        // Pauses of the whole process are a stage of every request: how many, and how long in all.
        if (Enabled)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"stage gc ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {System.Runtime.GCSettings.LatencyMode}) " +
                $"paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms in all; collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}");
        }
    }
}
