using System.ComponentModel;
using System.Diagnostics;

namespace Syncplane.Tests.Support;

/// <summary>Runs a system tool (systemd-analyze, nginx, openssl, bash) to its end and collects what it printed.</summary>
internal static class ExternalTool
{
    public static async Task<SyncplaneCli.Result> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file)
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

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{file} is not installed ({ex.Message}); ./scripts/test installs what the tests need", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            return new SyncplaneCli.Result(process.ExitCode, await stdout, await stderr);
        }
    }
}
