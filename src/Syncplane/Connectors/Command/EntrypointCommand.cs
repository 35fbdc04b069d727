using Syncplane.Engine.Process;

namespace Syncplane.Connectors.Command;

/// <summary>
/// Turns a target's <c>entrypoint</c> into a program to run:
/// <list type="number">
/// <item>An existing file (relative to the base directory) is a script: run directly when it is executable
/// (it needs a <c>#!</c> line), else <c>.py</c> through <c>python3</c> and anything else through <c>/bin/sh</c>.</item>
/// <item>A path (contains '/', no spaces) that does not exist is an error, not a command.</item>
/// <item>Anything else is a command line for <c>/bin/sh -c</c> (<c>make docs</c>, <c>python scripts/x.py --check</c>).</item>
/// </list>
/// </summary>
internal static class EntrypointCommand
{
    /// <summary>The spec to run, or null with <paramref name="error"/> set.</summary>
    public static ProcessSpec? Resolve(string entrypoint, string baseDirectory, string workingDirectory, TimeSpan timeout, out string? error)
    {
        error = null;
        var trimmed = entrypoint.Trim();
        var path = Path.GetFullPath(trimmed, baseDirectory);
        if (trimmed.Length > 0 && File.Exists(path))
        {
            var (program, arguments) = IsExecutable(path) ? (path, Array.Empty<string>())
                : Path.GetExtension(path).Equals(".py", StringComparison.OrdinalIgnoreCase) ? ("python3", new[] { path })
                : ("/bin/sh", new[] { path });
            return new ProcessSpec(program, arguments, workingDirectory, new Dictionary<string, string?>(), timeout) { Display = trimmed };
        }

        if (trimmed.Length == 0 || (trimmed.Contains('/', StringComparison.Ordinal) && !trimmed.Any(char.IsWhiteSpace)))
        {
            error = $"entrypoint '{entrypoint}' not found (looked for {path}); it must be a script relative to {baseDirectory} or a command line";
            return null;
        }

        return ProcessSpec.Shell(trimmed, workingDirectory, timeout);
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
