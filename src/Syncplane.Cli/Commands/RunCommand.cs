using System.CommandLine;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Cli.Commands;

internal static class RunCommand
{
    public sealed record Options(string Config, string? Target, string? Direction, bool DryRun, bool Verify, bool Ci, string? Report, bool Json, bool Verbose, string? Store, string? MaxWait = null, bool Resync = false);

    public sealed class Parts
    {
        public Option<string> Config { get; } = CliOptions.Config();

        public Option<string> Target { get; } = new("--target", "-t") { Description = "Only targets whose name matches this glob, e.g. \"oca_*\"", HelpName = "GLOB" };

        public Option<string> Direction { get; } = new Option<string>("--direction", "-d") { Description = "Only targets with this direction", HelpName = "pull|push|bidirectional" }
            .AcceptOnlyFromAmong("pull", "push", "bidirectional");

        public Option<bool> DryRun { get; } = new("--dry-run", "-n") { Description = "Print the plan of each target and write nothing" };

        public Option<bool> Resync { get; } = new("--resync")
        {
            Description = "Bidirectional targets: sync as if for the first time (the union of both sides, the newer copy wins where they differ); needed for the first run",
        };

        public Option<bool> Verify { get; } = new("--verify") { Description = "Run each target's verification after it syncs" };

        public Option<bool> Ci { get; } = new("--ci") { Description = "No prompts, no progress animation: plain lines for CI logs" };

        public Option<string> Report { get; } = new("--report") { Description = "Write the summary JSON report to this file", HelpName = "FILE" };

        public Option<bool> Json { get; } = CliOptions.Json();

        public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Print every line of each run's log" };

        public Option<string> Store { get; } = CliOptions.Store();

        public Option<string> MaxWait { get; } = new("--max-wait")
        {
            Description = "Longest time in all to wait out an upstream's rate limit (HTTP 429) per target before failing it (default 5m)",
            HelpName = "DURATION",
        };

        public IEnumerable<Option> All => [Config, Target, Direction, DryRun, Resync, Verify, Ci, Report, Json, Verbose, Store, MaxWait];

        public Options Read(ParseResult result) => new(
            result.GetValue(Config)!, result.GetValue(Target), result.GetValue(Direction), result.GetValue(DryRun),
            result.GetValue(Verify), result.GetValue(Ci), result.GetValue(Report), result.GetValue(Json), result.GetValue(Verbose), result.GetValue(Store),
            result.GetValue(MaxWait), result.GetValue(Resync));
    }

    public static Command Create()
    {
        var parts = new Parts();
        var command = new Command("run", "Run targets now (all, or those matching --target / --direction)");
        foreach (var option in parts.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, ct) => RunAsync(parts.Read(result), ct));
        return command;
    }

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        if (ConfigFile.LoadOrReport(options.Config) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        if (Select(config, options) is not { } targets)
        {
            return ExitCodes.InvalidInput;
        }

        var maxWait = new RunOptions().MaxRateLimitWait;
        if (options.MaxWait is { } waitText && (!DurationParser.TryParse(waitText, out maxWait) || maxWait < TimeSpan.Zero))
        {
            LogOutput.Error($"--max-wait '{waitText}' is not a duration; use e.g. 30s or 5m");
            return ExitCodes.InvalidInput;
        }

        await using var session = await CliSession.OpenAsync(config, options.Store, cancellationToken);
        using var tracing = Syncplane.Server.Telemetry.OtlpExport.StartTracing(); // flushes the runs' spans when the command ends
        var time = session.Time;
        var console = new RunConsole(
            options.Json ? TextWriter.Null : Console.Out, interactive: !options.Ci && !options.Json && !Console.IsOutputRedirected, options.Verbose, time, options.Json ? Console.Error : null);
        var runner = new SyncRunner(config, session.Store, time, ConnectorRegistry.Default, session.Secrets);
        var dryRun = options.DryRun || config.Defaults.DryRun;
        var runOptions = new RunOptions(dryRun, options.Verify || config.Defaults.Verify) { MaxRateLimitWait = maxWait, Resync = options.Resync };
        var started = time.GetTimestamp();
        var timestamp = time.GetUtcNow();
        var results = new List<TargetRunResult>();
        foreach (var target in targets)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            console.Starting(target, dryRun);
            var result = await runner.RunAsync(target, runOptions, console.Log, console.Waiting, console.Progress, cancellationToken);
            console.Finished(result, dryRun);
            results.Add(result);
        }

        // Only when asked for: serializing it loads and warms up the JSON serializer, a cost a plain run need not pay.
        var json = options.Report is not null || options.Json ? RunReport.ToJson(results, timestamp, time.GetElapsedTime(started), includePlans: dryRun) : "";
        if (options.Report is { } reportPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);
            await File.WriteAllTextAsync(reportPath, json + "\n", CancellationToken.None);
        }

        if (options.Json)
        {
            Console.WriteLine(json);
        }

        console.Summary(results, time.GetElapsedTime(started));
        return cancellationToken.IsCancellationRequested || results.Any(r => r.Status == RunStatus.Cancelled) ? ExitCodes.Cancelled
            : results.Any(r => r.Status == RunStatus.Failed && !r.RateLimited && !r.AlreadyRunning) ? ExitCodes.TargetFailed
            : results.Any(r => r.RateLimited) ? ExitCodes.RateLimited
            : results.Any(r => r.AlreadyRunning) ? ExitCodes.AlreadyRunning
            : results.Any(r => r.Status == RunStatus.Refused) ? ExitCodes.Refused
            : ExitCodes.Success;
    }

    private static List<TargetConfig>? Select(SyncplaneConfig config, Options options)
    {
        Glob? pattern = null;
        if (options.Target is { } text && !Glob.TryParse(text, out pattern, out var invalid))
        {
            LogOutput.Error($"--target '{text}' is not a valid glob: {invalid}");
            return null;
        }

        if (ConfigFile.NoTargets(config) is { } why)
        {
            LogOutput.Error(why);
            return null;
        }

        var targets = config.Targets
            .Where(t => pattern is null || pattern.IsMatch(t.Name))
            .Where(t => options.Direction is null || t.Direction.ToString().Equals(options.Direction, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (targets.Count == 0)
        {
            LogOutput.Error($"no target matches{(options.Target is null ? "" : $" --target '{options.Target}'")}{(options.Direction is null ? "" : $" --direction {options.Direction}")}; known targets: {string.Join(", ", config.Targets.Select(t => t.Name))}");
            return null;
        }

        return targets;
    }
}
