using System.Text;

namespace Syncplane.Engine.Process;

/// <summary>A program to run: what, where, with which environment and for how long at most.</summary>
/// <param name="FileName">The program (a path or a name looked up on PATH).</param>
/// <param name="Arguments">Arguments, passed as they are (no shell splitting or quoting).</param>
/// <param name="WorkingDirectory">The directory the program starts in; it must exist.</param>
/// <param name="Environment">
/// Changes to the inherited environment: a value sets the variable, null removes it.
/// </param>
/// <param name="Timeout">How long the program may run before its whole process tree is killed; zero or less means no limit.</param>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment,
    TimeSpan Timeout)
{
    private static readonly IReadOnlyDictionary<string, string?> NoChanges = new Dictionary<string, string?>();

    /// <summary>
    /// What the run log shows for this command instead of the real command line. Callers whose arguments
    /// could carry credentials (a resolved URL, a token) set it to the command as the user wrote it.
    /// </summary>
    /// <value>null: the program and its arguments, quoted where needed.</value>
    public string? Display { get; init; }

    /// <summary>
    /// Lines per stream that reach the run log; later lines are still captured in the result but only
    /// counted in the log, so a command that prints a whole tree cannot flood the stored run log.
    /// </summary>
    /// <value>10,000</value>
    public int MaxLoggedLines { get; init; } = 10_000;

    /// <summary>The command line as the run log shows it.</summary>
    public string DisplayText => Display ?? Format(FileName, Arguments);

    /// <summary>A command line run by <c>/bin/sh -c</c>, displayed as written.</summary>
    public static ProcessSpec Shell(string command, string workingDirectory, TimeSpan timeout) =>
        new("/bin/sh", ["-c", command], workingDirectory, NoChanges, timeout) { Display = command };

    /// <summary>Formats a program and its arguments the way a POSIX shell would need them quoted.</summary>
    public static string Format(string fileName, IEnumerable<string> arguments)
    {
        var sb = new StringBuilder(Quote(fileName));
        foreach (var argument in arguments)
        {
            sb.Append(' ').Append(Quote(argument));
        }

        return sb.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
