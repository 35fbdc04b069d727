namespace Syncplane.Tests.Support;

/// <summary>
/// A throwaway git repository holding what the quickstart reads (quickstart/, docs/, README.md) committed on <c>main</c>,
/// so a test runs quickstart/syncplane.yaml as a fresh clone would, without touching this checkout.
/// </summary>
internal static class QuickstartCopy
{
    /// <summary>Creates the repository at <paramref name="path"/> (git runs with <paramref name="home"/> as HOME); returns the config's path.</summary>
    public static string Create(string path, string home)
    {
        CopyDirectory(RepositoryPaths.Combine("quickstart"), Path.Combine(path, "quickstart"), skip: ["work", ".syncplane"]);
        CopyDirectory(RepositoryPaths.Combine("docs"), Path.Combine(path, "docs"), skip: []);
        File.Copy(RepositoryPaths.Combine("README.md"), Path.Combine(path, "README.md"));
        Directory.CreateDirectory(home);
        TestGitRepository.Init(path, home).Commit("the quickstart");
        return Path.Combine(path, "quickstart", "syncplane.yaml");
    }

    private static void CopyDirectory(string from, string to, string[] skip)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            File.SetUnixFileMode(Path.Combine(to, Path.GetFileName(file)), File.GetUnixFileMode(file));
        }

        foreach (var directory in Directory.GetDirectories(from).Where(d => !skip.Contains(Path.GetFileName(d))))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)), []);
        }
    }
}
