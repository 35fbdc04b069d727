using System.Globalization;
using System.Text;
using Syncplane.Config;
using Syncplane.Engine;
using Syncplane.Engine.Process;

namespace Syncplane.Connectors.Command;

/// <summary>
/// Runs a target's seed-004 <c>entrypoint</c> (see <see cref="EntrypointCommand"/> for how it is resolved)
/// and reports which <c>outputs</c> it created or changed in content (see <see cref="OutputIndex"/>).
/// </summary>
/// <remarks>
/// The environment is the <see cref="ScriptEnvironment"/> baseline of Syncplane's own (PATH, HOME, LANG, …;
/// and the variables the target's <c>pass_env</c> names; nothing else is inherited) plus the target's <c>env</c> (secret references resolved now),
/// <c>SYNCPLANE_CONFIG_&lt;KEY&gt;</c> for each <c>config</c> entry (key upper-cased, other characters than
/// A-Z and 0-9 replaced by '_'), <c>SYNCPLANE_TARGET</c>, <c>SYNCPLANE_DIRECTION</c> (pull, push,
/// bidirectional), <c>SYNCPLANE_DRY_RUN</c> (1 or 0) and <c>SYNCPLANE_BASE_DIR</c>. For push and bidirectional
/// runs with <c>inputs</c>, the matching files (keys relative to the base directory, one per line) are
/// written to a file named by <c>SYNCPLANE_INPUTS_FILE</c> and, when under 64 KiB, also put in
/// <c>SYNCPLANE_INPUTS</c>. The process runs in <c>working_directory</c> (relative to the base directory)
/// or the base directory, for the target's <c>timeout</c> (10 minutes when unset).
/// </remarks>
internal sealed class EntrypointRunner(ProcessRunner runner)
{
    /// <summary>The time limit when the target sets none: 10 minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Largest SYNCPLANE_INPUTS value; Linux refuses a single variable over 128 KiB.</summary>
    private const int MaxInputsVariable = 64 * 1024;

    /// <summary>Runs <paramref name="target"/>'s entrypoint in the target's own direction, not as a dry run.</summary>
    /// <exception cref="ArgumentException">The target has no entrypoint.</exception>
    public Task<EntrypointResult> RunAsync(TargetConfig target, ConnectorContext context, CancellationToken cancellationToken) =>
        RunAsync(target, target.Direction, dryRun: false, context, cancellationToken);

    /// <summary>Runs <paramref name="target"/>'s entrypoint for one run.</summary>
    /// <param name="target">The target.</param>
    /// <param name="direction">The run's direction (SYNCPLANE_DIRECTION; inputs are listed unless it is pull).</param>
    /// <param name="dryRun">Sets SYNCPLANE_DRY_RUN=1: the script is asked, not forced, to write nothing.</param>
    /// <param name="context">Base directory, secrets, run log, state directory.</param>
    /// <param name="cancellationToken">Kills the entrypoint's process tree when cancelled.</param>
    /// <exception cref="ArgumentException">The target has no entrypoint.</exception>
    public async Task<EntrypointResult> RunAsync(
        TargetConfig target,
        SyncDirection direction,
        bool dryRun,
        ConnectorContext context,
        CancellationToken cancellationToken)
    {
        var entrypoint = target.Entrypoint ?? throw new ArgumentException($"target {target.Name} has no entrypoint", nameof(target));
        var log = context.Log;
        var baseDirectory = context.BaseDirectory;
        var workingDirectory = Path.GetFullPath(target.WorkingDirectory ?? ".", baseDirectory);
        if (!System.IO.Directory.Exists(workingDirectory))
        {
            return EntrypointResult.NotStarted($"working directory {workingDirectory} does not exist");
        }

        var timeout = target.Timeout > TimeSpan.Zero ? target.Timeout : DefaultTimeout;
        if (EntrypointCommand.Resolve(entrypoint, baseDirectory, workingDirectory, timeout, out var error) is not { } spec)
        {
            return EntrypointResult.NotStarted(error!);
        }

        Dictionary<string, string?> environment;
        try
        {
            environment = Environment(target, direction, dryRun, context);
        }
        catch (SecretException ex)
        {
            return EntrypointResult.NotStarted($"cannot start {entrypoint}: {ex.Message}");
        }

        if (direction != SyncDirection.Pull && target.Inputs.Count > 0)
        {
            await AddInputsAsync(target, context, environment, cancellationToken);
        }

        var started = runner.Time.GetTimestamp();
        var index = new OutputIndex(Path.Combine(context.TargetStateDirectory, "outputs.json"));
        var before = await OutputIndex.CaptureAsync(baseDirectory, target.Outputs, await index.LoadAsync(cancellationToken), cancellationToken);
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(spec with { Environment = environment }, log, cancellationToken);
        }
        catch (ProcessStartException ex)
        {
            return EntrypointResult.NotStarted(ex.Message);
        }

        var after = await OutputIndex.CaptureAsync(baseDirectory, target.Outputs, before, cancellationToken);
        var outputs = OutputIndex.CreatedOrChanged(before, after);
        if (target.Outputs.Count > 0)
        {
            await index.SaveAsync(after, cancellationToken);
        }

        var duration = runner.Time.GetElapsedTime(started);
        var seconds = duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var message = result.TimedOut ? $"{entrypoint} ran longer than its timeout of {timeout} and was killed"
            : result.ExitCode != 0 ? $"{entrypoint} exited with code {result.ExitCode}: {result.Tail(10)}"
            : $"{entrypoint} succeeded in {seconds}s; {outputs.Count} outputs created or changed";
        return new EntrypointResult(result.Succeeded, result.ExitCode, message, outputs, duration, result.TimedOut);
    }

    /// <summary>The variable name for a <c>config</c> key: SYNCPLANE_CONFIG_ + upper-cased, non-alphanumerics as '_'.</summary>
    public static string ConfigVariable(string key)
    {
        var name = new StringBuilder("SYNCPLANE_CONFIG_");
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.ToString();
    }

    private static Dictionary<string, string?> Environment(TargetConfig target, SyncDirection direction, bool dryRun, ConnectorContext context)
    {
        var environment = ScriptEnvironment.Start(System.Environment.GetEnvironmentVariables(), target.PassEnv);
        foreach (var (key, value) in target.Config)
        {
            environment[ConfigVariable(key)] = context.Secrets.Resolve(value);
        }

        foreach (var (name, value) in target.Env)
        {
            environment[name] = context.Secrets.Resolve(value);
        }

        environment["SYNCPLANE_TARGET"] = target.Name;
        environment["SYNCPLANE_DIRECTION"] = direction.ToString().ToLowerInvariant();
        environment["SYNCPLANE_DRY_RUN"] = dryRun ? "1" : "0";
        environment["SYNCPLANE_BASE_DIR"] = context.BaseDirectory;
        return environment;
    }

    private static async Task AddInputsAsync(TargetConfig target, ConnectorContext context, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var inputs = FileStamps.List(context.BaseDirectory, target.Inputs).Keys.Order(StringComparer.Ordinal).ToList();
        var text = string.Join('\n', inputs);
        System.IO.Directory.CreateDirectory(context.TargetStateDirectory);
        var file = Path.Combine(context.TargetStateDirectory, "inputs.txt");
        await File.WriteAllTextAsync(file, inputs.Count > 0 ? text + "\n" : "", cancellationToken);
        environment["SYNCPLANE_INPUTS_FILE"] = file;
        if (text.Length <= MaxInputsVariable)
        {
            environment["SYNCPLANE_INPUTS"] = text;
        }
        else
        {
            context.Log.Warn($"{inputs.Count} inputs are too many for SYNCPLANE_INPUTS; read SYNCPLANE_INPUTS_FILE instead");
        }

        context.Log.Info($"{inputs.Count} input files match {string.Join(", ", target.Inputs)}");
    }
}
