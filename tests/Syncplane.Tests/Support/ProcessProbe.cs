namespace Syncplane.Tests.Support;

/// <summary>Whether a process still runs, read from /proc: a zombie waiting for a reaper (PID 1 in a container may not reap) counts as gone.</summary>
internal static class ProcessProbe
{
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="limit"/> for every pid to be gone; returns those still running.</summary>
    public static async Task<IReadOnlyList<int>> WaitUntilGoneAsync(IEnumerable<int> pids, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<int> running;
        while ((running = [.. pids.Where(IsRunning)]).Count > 0 && clock.Elapsed < limit)
        {
            await Task.Delay(50);
        }

        return running;
    }

    /// <summary>Reads a file the test's script writes a pid to, waiting up to <paramref name="limit"/> for it.</summary>
    public static async Task<int> ReadPidAsync(string path, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } text && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{path} was never written");
    }
}
