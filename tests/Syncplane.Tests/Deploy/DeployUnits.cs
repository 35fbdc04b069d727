using Syncplane.Tests.Support;

namespace Syncplane.Tests.Deploy;

/// <summary>The systemd units under deploy/, read as systemd reads their <c>Key=value</c> lines.</summary>
internal static class DeployUnits
{
    /// <summary>Where the units expect the config; tests put a temp config in its place.</summary>
    public const string ConfigPath = "/etc/syncplane/syncplane.yaml";

    public static string Directory => RepositoryPaths.Combine("deploy");

    public static IReadOnlyList<string> Services => [.. System.IO.Directory.GetFiles(Directory, "*.service").Select(f => Path.GetFileName(f)).Order()];

    /// <summary>Every value of <paramref name="key"/> in the unit (comments and other sections' keys alike are plain lines).</summary>
    public static IReadOnlyList<string> Values(string unit, string key) =>
        [.. File.ReadAllLines(Path.Combine(Directory, unit)).Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..])];

    /// <summary>The unit's syncplane arguments: its one ExecStart is <c>/usr/bin/env syncplane ARGS</c>, no quoting.</summary>
    public static string[] SyncplaneArguments(string unit)
    {
        var exec = Assert.Single(Values(unit, "ExecStart"));
        Assert.DoesNotContain('"', exec);
        Assert.DoesNotContain('\'', exec);
        var words = exec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/usr/bin/env", words[0]);
        Assert.Equal("syncplane", words[1]);
        return words[2..];
    }

    /// <summary>The arguments with the installed config's path replaced by <paramref name="config"/>.</summary>
    public static string[] WithConfig(string[] arguments, string config) =>
        [.. arguments.Select(a => a == ConfigPath ? config : a)];
}
