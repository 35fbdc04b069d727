using System.Diagnostics;

namespace Syncplane.Tests.Support;

/// <summary>
/// Builds real git repositories for tests with an isolated environment: an empty HOME, no system config,
/// explicit author and committer, so tests never depend on (or touch) the machine's git setup.
/// </summary>
internal sealed class TestGitRepository
{
    public TestGitRepository(string path, string home)
    {
        Path = path;
        Home = home;
    }

    public string Path { get; }

    /// <summary>The empty HOME every git call here runs with.</summary>
    public string Home { get; }

    /// <summary>The variables that isolate git from the machine's configuration (HOME, XDG, system config).</summary>
    public static Dictionary<string, string?> IsolatedEnvironment(string home) => new(StringComparer.Ordinal)
    {
        ["HOME"] = home,
        ["XDG_CONFIG_HOME"] = home,
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = null,
    };

    /// <summary>Creates a repository with branch main (bare for a push remote).</summary>
    public static TestGitRepository Init(string path, string home, bool bare = false)
    {
        Directory.CreateDirectory(path);
        var repo = new TestGitRepository(path, home);
        repo.Run(bare ? ["init", "--quiet", "--bare", "-b", "main"] : ["init", "--quiet", "-b", "main"]);
        return repo;
    }

    /// <summary>Clones <paramref name="from"/> (a path) into <paramref name="path"/>.</summary>
    public static TestGitRepository Clone(string from, string path, string home)
    {
        Directory.CreateDirectory(path);
        var repo = new TestGitRepository(path, home);
        repo.Run(["clone", "--quiet", from, "."]);
        return repo;
    }

    /// <summary>Installs a pre-receive hook (a bare repository's) that prints <paramref name="message"/> and refuses every push.</summary>
    public void RefusePushes(string message)
    {
        var hook = System.IO.Path.Combine(Path, "hooks", "pre-receive");
        File.WriteAllText(hook, $"#!/bin/sh\necho '{message}' >&2\nexit 1\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Removes the hook <see cref="RefusePushes"/> installed.</summary>
    public void AcceptPushes() => File.Delete(System.IO.Path.Combine(Path, "hooks", "pre-receive"));

    /// <summary>Writes files (path → content; null deletes) and commits them all; returns the new SHA.</summary>
    public string Commit(string message, params (string Path, string? Content)[] files)
    {
        foreach (var (relative, content) in files)
        {
            var full = System.IO.Path.Combine(Path, relative);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Run(["add", "-A"]);
        Run(["commit", "--quiet", "--allow-empty", "-m", message]);
        return Run(["rev-parse", "HEAD"]);
    }

    /// <summary>Runs git in the repository with author/committer set; returns trimmed stdout, throws on failure.</summary>
    public string Run(IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in IsolatedEnvironment(Home))
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

        info.Environment["GIT_AUTHOR_NAME"] = info.Environment["GIT_COMMITTER_NAME"] = "Test Author";
        info.Environment["GIT_AUTHOR_EMAIL"] = info.Environment["GIT_COMMITTER_EMAIL"] = "test@example.invalid";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.Result.Trim()
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {Path}: {stderr}");
    }
}
