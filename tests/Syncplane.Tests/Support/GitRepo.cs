using System.Diagnostics;

namespace Syncplane.Tests.Support;

/// <summary>Runs the real git CLI with a fixed test identity and no user or system config.</summary>
internal static class GitRepo
{
    public static string Run(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_AUTHOR_NAME"] = "Test";
        info.Environment["GIT_AUTHOR_EMAIL"] = "test@example.com";
        info.Environment["GIT_COMMITTER_NAME"] = "Test";
        info.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.Trim() : throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
    }

    /// <summary>Creates a repository on branch main with the given files committed.</summary>
    public static string Create(string path, IReadOnlyDictionary<string, string> files)
    {
        Directory.CreateDirectory(path);
        Run(path, "init", "-q", "-b", "main");
        Commit(path, files, "initial");
        return path;
    }

    public static string Commit(string path, IReadOnlyDictionary<string, string> files, string message)
    {
        foreach (var (name, content) in files)
        {
            var full = Path.Combine(path, name);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Run(path, "add", "-A");
        Run(path, "commit", "-q", "-m", message);
        return Run(path, "rev-parse", "HEAD");
    }
}
