using System.Diagnostics;
using System.Text;

namespace Syncplane.Tests.Support;

/// <summary>
/// Collects a started process's stdout and stderr lines, and waits for a condition while the process lives, showing all
/// it printed when the wait fails.
/// </summary>
internal sealed class ProcessOutput
{
    private readonly Process _process;
    private readonly string _name;
    private readonly StringBuilder _lines = new();

    /// <summary>Starts reading <paramref name="process"/>'s output (it was started with both streams redirected).</summary>
    public ProcessOutput(Process process, string name)
    {
        (_process, _name) = (process, name);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything printed so far, one line each.</summary>
    public string Text
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToString();
            }
        }
    }

    /// <summary>Returns once <paramref name="condition"/> holds; fails if the process exits first or <paramref name="limit"/> passes.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(_process.HasExited, $"{_name} exited; its output:\n{Text}");
            Assert.True(clock.Elapsed < limit, $"timed out; {_name} output:\n{Text}");
            await Task.Delay(20);
        }
    }

    private void Append(string? line)
    {
        lock (_lines)
        {
            _lines.AppendLine(line);
        }
    }
}
