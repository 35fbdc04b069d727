namespace Syncplane.Engine.Process;

/// <summary>
/// Finds the file a program name stands for, as <see cref="System.Diagnostics.Process"/> would (a path as it
/// is, relative to the current directory; a bare name on this process's PATH), so that a program that is
/// missing or not executable is reported before it is handed to the <see cref="ProcessGroup"/> shim.
/// </summary>
internal static class ProgramPath
{
    /// <exception cref="ProcessStartException">The working directory or the program is missing, or the program is not executable.</exception>
    public static string Resolve(ProcessSpec spec)
    {
        if (!Directory.Exists(spec.WorkingDirectory))
        {
            throw Error(spec, "the working directory does not exist");
        }

        var path = spec.FileName.Contains('/', StringComparison.Ordinal)
            ? Path.GetFullPath(spec.FileName)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, spec.FileName))
                .FirstOrDefault(candidate => File.Exists(candidate) && IsExecutable(candidate));
        if (path is null || !File.Exists(path))
        {
            throw Error(spec, "No such file or directory");
        }

        return IsExecutable(path) ? path : throw Error(spec, "Permission denied");
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static ProcessStartException Error(ProcessSpec spec, string reason) =>
        new($"cannot run '{spec.FileName}' in '{spec.WorkingDirectory}': {reason}");
}
