namespace Syncplane.Engine.Process;

/// <summary>How a program ended and what it printed.</summary>
/// <param name="ExitCode">The exit code (for a killed process, what the OS reported, usually 137 or -1).</param>
/// <param name="StandardOutput">Everything it printed on stdout (at most the last <see cref="OutputBuffer.Capacity"/> characters).</param>
/// <param name="StandardError">Everything it printed on stderr (same limit).</param>
/// <param name="TimedOut">True when it ran past its timeout and was killed.</param>
/// <param name="Duration">Wall time from start to exit.</param>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Duration)
{
    /// <summary>True when the program exited on its own with code 0.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The last lines of stderr, or of stdout when stderr is empty: what explains a failure best.</summary>
    public string Tail(int lines = 10)
    {
        var tail = OutputText.LastLines(StandardError, lines);
        return tail.Length > 0 ? tail : OutputText.LastLines(StandardOutput, lines);
    }
}
