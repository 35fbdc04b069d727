using System.Diagnostics;

namespace Syncplane.Tests.Support;

/// <summary>Runs any program to its end (bash, dotnet, an installed syncplane), with an environment the test controls.</summary>
internal static class Command
{
    /// <summary>Runs <paramref name="program"/>; <paramref name="environment"/> entries with a null value are removed from the inherited environment.</summary>
    public static async Task<SyncplaneCli.Result> RunAsync(
        string program, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Generous: scripts/publish builds two self-contained ReadyToRun binaries, over 8 minutes on a busy 2-core machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new SyncplaneCli.Result(process.ExitCode, await stdout, await stderr);
    }
}
