namespace Syncplane.Tests.Support;

/// <summary>Where this repository's checkout is, found from the test binaries upward (the directory with Syncplane.slnx).</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Syncplane.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("no Syncplane.slnx above " + AppContext.BaseDirectory);
    });

    public static string Root => RootDirectory.Value;

    /// <summary>A path under the repository root.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
