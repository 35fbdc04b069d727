namespace Syncplane.Tests.Support;

/// <summary>
/// The <c>syncplane</c> .NET tool package, packed once per test run by <c>scripts/pack</c> (from the build the tests run on),
/// and installs of it into throwaway HOMEs, offline: the only package source is the packed folder.
/// </summary>
internal static class PackedTool
{
    private static readonly Lazy<Task<string>> Folder = new(PackAsync);

    /// <summary>The folder holding Syncplane.VERSION.nupkg.</summary>
    public static Task<string> FolderAsync() => Folder.Value;

    /// <summary>The command a user runs (README, Install), with a config file that lists no source, so nothing but the folder is asked.</summary>
    public static string[] InstallArguments(string folder, string configFile) =>
        ["tool", "install", "--global", "--add-source", folder, "--configfile", configFile, "Syncplane"];

    /// <summary>The environment of a user whose HOME is <paramref name="home"/>: their global tools are on PATH.</summary>
    public static Dictionary<string, string?> UserEnvironment(string home) => new(StringComparer.Ordinal)
    {
        ["HOME"] = home,
        ["DOTNET_CLI_HOME"] = home,
        ["NUGET_PACKAGES"] = null,
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["PATH"] = $"{Path.Combine(home, ".dotnet", "tools")}:{Environment.GetEnvironmentVariable("PATH")}",
    };

    /// <summary>A nuget.config that clears every package source (the user's, the machine's): offline by construction.</summary>
    public static string WriteOfflineConfig(string directory)
    {
        var path = Path.Combine(directory, "nuget.config");
        File.WriteAllText(path, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");
        return path;
    }

    /// <summary>Installs the packed tool as a global tool for a user whose HOME is <paramref name="home"/>.</summary>
    public static async Task InstallAsync(string home)
    {
        Directory.CreateDirectory(home);
        var folder = await FolderAsync();
        var install = await Command.RunAsync("dotnet", home, UserEnvironment(home), InstallArguments(folder, WriteOfflineConfig(home)));
        Assert.True(install.ExitCode == 0, install.All);
    }

    private static async Task<string> PackAsync()
    {
        var folder = Directory.CreateTempSubdirectory("syncplane-package-").FullName;
        // --no-build: pack what the tests run on (the suite is built first), rather than rebuild under running tests.
        var pack = await Command.RunAsync(RepositoryPaths.Combine("scripts", "pack"), RepositoryPaths.Root, null, folder, "--no-build");
        Assert.True(pack.ExitCode == 0, pack.All);
        return folder;
    }
}
