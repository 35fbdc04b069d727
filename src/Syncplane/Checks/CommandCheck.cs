using Syncplane.Engine.Process;

namespace Syncplane.Checks;

/// <summary>
/// Runs a shell command (<c>gh auth status</c>, <c>gcloud auth list</c>, …): healthy when it exits with the
/// expected code and, with <c>output_pattern</c>, its output matches; down otherwise.
/// </summary>
internal sealed class CommandCheck : ICheck
{
    public string Kind => CheckKinds.Command;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (CommandCheckOptions)check.Options;
        // The runner's own timeout kills the tree a little before the check's deadline reports it down.
        var spec = ProcessSpec.Shell(options.Command, options.WorkingDirectory, check.Timeout) with { MaxLoggedLines = 0 };
        var result = await context.Processes.RunAsync(spec, DiscardingRunLog.Instance, cancellationToken);
        var output = (result.StandardOutput + result.StandardError).Trim();
        var lastLine = OutputText.LastLines(output, 1);
        var details = new Dictionary<string, string>
        {
            ["exit_code"] = result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["output"] = OutputText.LastLines(output, 3),
        };
        if (result.TimedOut)
        {
            return new CheckOutcome(CheckStatus.Down, $"'{options.Command}' timed out and was killed", details);
        }

        if (result.ExitCode != options.ExpectedExitCode)
        {
            var why = lastLine.Length > 0 ? $": {lastLine}" : "";
            return new CheckOutcome(CheckStatus.Down, $"'{options.Command}' exited with {result.ExitCode}, expected {options.ExpectedExitCode}{why}", details);
        }

        if (options.OutputPattern is { } pattern)
        {
            var match = pattern.Match(output);
            if (!match.Success)
            {
                return new CheckOutcome(CheckStatus.Down, $"output of '{options.Command}' does not match /{pattern}/", details);
            }

            details["match"] = match.Value;
            return new CheckOutcome(CheckStatus.Healthy, $"'{options.Command}' succeeded: {OneLine(match.Value)}", details);
        }

        return new CheckOutcome(CheckStatus.Healthy, lastLine.Length > 0 ? $"'{options.Command}' succeeded: {OneLine(lastLine)}" : $"'{options.Command}' succeeded", details);
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 120 ? line[..117] + "..." : line;
    }
}
