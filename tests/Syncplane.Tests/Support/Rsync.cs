using System.Diagnostics;

namespace Syncplane.Tests.Support;

/// <summary>Runs the real rsync (the reference Syncplane's directory mirror is compared with).</summary>
internal static class Rsync
{
    public const string Path = "/usr/bin/rsync";

    public static async Task MirrorAsync(string source, string destination, params string[] options)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["-a", "--delete", .. options, source.TrimEnd('/') + "/", destination.TrimEnd('/') + "/"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"rsync failed ({process.ExitCode}): {await stderr}");
    }
}
