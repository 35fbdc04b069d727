using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using SystemProcess = System.Diagnostics.Process;

namespace Syncplane.Engine.Process;

/// <summary>
/// Runs programs for connectors, checks and verification: streams every stdout line to the run log as
/// Info and every stderr line as Warning while the program runs, enforces the timeout, and kills the
/// whole process tree and its process group on timeout or cancellation.
/// </summary>
/// <remarks>
/// The command line is logged as <see cref="ProcessSpec.DisplayText"/>, never built from resolved
/// secrets by this class. Standard input reads as empty so nothing can wait for a terminal. Every program
/// runs in a process group of its own that dies with this process (see <see cref="ProcessGroup"/>).
/// </remarks>
internal sealed class ProcessRunner(TimeProvider time)
{
    /// <summary>How long to keep reading output after the program exited (a background child may still hold the pipe).</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    /// <summary>The clock that measures durations and drives timeouts.</summary>
    public TimeProvider Time => time;

    /// <summary>Runs <paramref name="spec"/> to completion, timeout or cancellation.</summary>
    /// <returns>The result; <see cref="ProcessResult.TimedOut"/> is set when the timeout killed it.</returns>
    /// <exception cref="ProcessStartException">The program or the working directory does not exist or cannot be executed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the tree is killed first).</exception>
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, IRunLog log, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        log.Info($"$ {spec.DisplayText}");
        var info = StartInfo(spec);
        if (ProcessGroup.Enabled)
        {
            info.FileName = ProgramPath.Resolve(spec);
        }

        ProcessGroup.Wrap(info);
        using var process = new SystemProcess { StartInfo = info };
        var started = time.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ProcessStartException(
                $"cannot run '{spec.FileName}' in '{spec.WorkingDirectory}': {ex.Message}", ex);
        }

        if (!ProcessGroup.Enabled)
        {
            process.StandardInput.Close();
        }

        // Else stdin stays open until the process is disposed: the shim's watcher reads its closing as this process's end.
        var stdout = new OutputBuffer();
        var stderr = new OutputBuffer();
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdout, spec.MaxLoggedLines, LogLevel.Info, log),
            PumpAsync(process.StandardError, stderr, spec.MaxLoggedLines, LogLevel.Warning, log));

        using var timeout = spec.Timeout > TimeSpan.Zero
            ? new CancellationTokenSource(spec.Timeout, time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            KillTree(process);
            log.Warn(timedOut
                ? $"'{spec.DisplayText}' ran longer than its timeout of {spec.Timeout}; killed it and its child processes"
                : $"run cancelled; killed '{spec.DisplayText}' and its child processes");
            await process.WaitForExitAsync(CancellationToken.None);
        }

        var duration = time.GetElapsedTime(started);
        if (await Task.WhenAny(pumps, Task.Delay(DrainGrace, time, CancellationToken.None)) != pumps)
        {
            log.Warn($"a background process of '{spec.DisplayText}' still holds its output open; stopped reading it");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), timedOut, duration);
    }

    private static ProcessStartInfo StartInfo(ProcessSpec spec)
    {
        var info = new ProcessStartInfo(spec.FileName)
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    private static async Task PumpAsync(StreamReader reader, OutputBuffer buffer, int maxLogged, LogLevel level, IRunLog log)
    {
        var lines = 0;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                buffer.AppendLine(line);
                if (++lines <= maxLogged)
                {
                    log.Write(level, line);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The process was disposed while a background child still held the pipe (see DrainGrace).
        }
        catch (IOException)
        {
            // The pipe broke when the tree was killed; what was read so far is kept.
        }

        if (lines > maxLogged)
        {
            log.Write(level, $"… {lines - maxLogged} more lines not shown in the log");
        }
    }

    private static void KillTree(SystemProcess process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
        catch (Win32Exception)
        {
            // Part of the tree was already gone; what is left has been signalled.
        }

        // Descendants whose parent died meanwhile are no longer in the tree, but still in the group.
        ProcessGroup.Kill(process.Id);
    }
}
