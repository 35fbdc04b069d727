using Syncplane.Engine;
using Syncplane.Engine.Process;

namespace Syncplane.Connectors.Git;

/// <summary>
/// Runs the <c>git</c> command line through <see cref="ProcessRunner"/> with an environment that can never
/// prompt (GIT_TERMINAL_PROMPT=0, stdin closed) and never traces HTTP headers, and without inherited
/// GIT_DIR-style variables that would point git at another repository. What git prints reaches the log and
/// failure messages with URL credentials masked (<see cref="UrlCredentials"/>).
/// </summary>
internal sealed class GitCli
{
    private readonly ProcessRunner _runner;
    private readonly Dictionary<string, string?> _environment;

    /// <param name="runner">Runs the processes.</param>
    /// <param name="environment">Extra variables for every git call (tests isolate HOME with it); null values remove.</param>
    public GitCli(ProcessRunner runner, IReadOnlyDictionary<string, string?>? environment = null)
    {
        _runner = runner;
        _environment = new(StringComparer.Ordinal)
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_DIR"] = null,
            ["GIT_WORK_TREE"] = null,
            ["GIT_INDEX_FILE"] = null,
            ["GIT_OBJECT_DIRECTORY"] = null,
            ["GIT_TRACE"] = null,
            ["GIT_TRACE_CURL"] = null,
            ["GIT_TRACE_PACKET"] = null,
            ["GIT_CURL_VERBOSE"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            _environment[name] = value;
        }
    }

    /// <summary>Time limit of one git command. <value>30 minutes</value> (a full clone of a large repository is slow).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Runs git and returns its result whatever the exit code.</summary>
    /// <param name="workingDirectory">Where git runs.</param>
    /// <param name="arguments">Arguments after <c>git</c>.</param>
    /// <param name="log">The run log.</param>
    /// <param name="cancellationToken">Kills git when cancelled.</param>
    /// <param name="environment">Extra variables for this call only (credentials travel here, never in arguments).</param>
    /// <param name="display">The arguments as the log shows them (for example with the URL as written in config).</param>
    public Task<ProcessResult> RunAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        IRunLog log,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null,
        IReadOnlyList<string>? display = null)
    {
        var env = new Dictionary<string, string?>(_environment, StringComparer.Ordinal);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            env[name] = value;
        }

        var spec = new ProcessSpec("git", arguments, workingDirectory, env, Timeout)
        {
            Display = ProcessSpec.Format("git", display ?? arguments),
        };
        return _runner.RunAsync(spec, UrlCredentials.Masking(log), cancellationToken);
    }

    /// <summary>Runs git and returns its trimmed stdout.</summary>
    /// <exception cref="GitException">git exited non-zero or timed out.</exception>
    public async Task<string> RunCheckedAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        IRunLog log,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null,
        IReadOnlyList<string>? display = null)
    {
        var result = await RunAsync(workingDirectory, arguments, log, cancellationToken, environment, display);
        if (!result.Succeeded)
        {
            throw Failure(display ?? arguments, result);
        }

        return result.StandardOutput.Trim();
    }

    /// <summary>The exception for a failed git command, with git's last lines.</summary>
    public static GitException Failure(IReadOnlyList<string> displayArguments, ProcessResult result)
    {
        var command = ProcessSpec.Format("git", displayArguments);
        return new GitException(UrlCredentials.Mask(result.TimedOut
            ? $"'{command}' timed out and was killed"
            : $"'{command}' failed with exit code {result.ExitCode}: {result.Tail(5)}"));
    }
}
