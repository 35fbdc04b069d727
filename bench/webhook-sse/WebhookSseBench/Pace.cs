using System.Diagnostics;

internal static class Pace
{
    /// <summary>
    /// Waits until the <see cref="Stopwatch"/> timestamp <paramref name="due"/>, to within about a millisecond (the timer's
    /// resolution; a send may go up to 1 ms early), without spinning: the bench shares the server's cores, and a sender
    /// spinning between deliveries 1 ms apart kept one of the two busy the whole run.
    /// </summary>
    public static async Task UntilAsync(long due)
    {
        while (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is { TotalMilliseconds: >= 1 } wait)
        {
            await Task.Delay(wait);
        }
    }
}
