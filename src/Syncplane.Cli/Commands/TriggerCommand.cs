using System.CommandLine;
using System.Text.Json;
using Syncplane.Storage;

namespace Syncplane.Cli.Commands;

/// <summary><c>syncplane trigger TARGET</c> and <c>syncplane retry RUN</c>: queue a manual run for a worker.</summary>
internal static class TriggerCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var target = new Argument<string>("TARGET") { Description = "The target to run" };
        var command = new Command("trigger", "Queue a manual run of a target (it jumps ahead of scheduled work; coalesces with a queued one)") { config, store, json, target };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            return session is null ? ExitCodes.InvalidInput : await QueueAsync(session, result.GetValue(target)!, "manual", result.GetValue(json), null, ct);
        });
        return command;
    }

    public static Command CreateRetry()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var run = new Argument<long>("RUN") { Description = "The id of a failed run" };
        var command = new Command("retry", "Queue a new manual run of a failed run's target (the source is read again)") { config, store, json, run };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var id = result.GetValue(run);
            if (await session.Store.GetRunAsync(id, ct) is not { } failed)
            {
                Console.Error.WriteLine($"error: no run has id {id}; 'syncplane history' lists runs");
                return ExitCodes.InvalidInput;
            }

            if (failed.Status is not (RunStatus.Failed or RunStatus.Cancelled))
            {
                Console.Error.WriteLine($"error: run {id} is {StatusText(failed.Status)}, not failed; only failed or cancelled runs are retried (use 'syncplane trigger {failed.Target}')");
                return ExitCodes.InvalidInput;
            }

            return await QueueAsync(session, failed.Target, "retry", result.GetValue(json), id, ct);
        });
        return command;
    }

    private static async Task<int> QueueAsync(CliSession session, string target, string trigger, bool json, long? retryOf, CancellationToken ct)
    {
        if (session.Config.Targets.FirstOrDefault(t => t.Name == target) is not { } config)
        {
            Console.Error.WriteLine($"error: no target named '{target}' in {session.Config.File}; known targets: {string.Join(", ", session.Config.Targets.Select(t => t.Name))}");
            return ExitCodes.InvalidInput;
        }

        var request = new RunRequest(target, trigger, RunPriority.Manual, session.Time.GetUtcNow(), config.Direction.ToString().ToLowerInvariant(), session.Config.Defaults.DryRun);
        var queued = await session.Store.EnqueueAsync(request, ct);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { run_id = queued.RunId, target, coalesced = queued.Coalesced, retry_of = retryOf }, JsonOutput.Options));
        }
        else
        {
            var what = retryOf is { } id ? $"retry of run {id}" : "manual run";
            Console.WriteLine(queued.Coalesced
                ? $"{target}: {what} coalesced into queued run {queued.RunId}"
                : $"{target}: {what} queued as run {queued.RunId}");
        }

        return ExitCodes.Success;
    }

    internal static string StatusText(RunStatus status) => status.ToString().ToLowerInvariant();
}
