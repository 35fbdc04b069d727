using System.CommandLine;
using System.Text.Json;
using Syncplane.Operations;
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
        var resync = new Option<bool>("--resync") { Description = "Bidirectional targets: the queued run resyncs (the union of both sides, the newer copy wins)" };
        var command = new Command("trigger", "Queue a manual run of a target (it jumps ahead of scheduled work; coalesces with a queued one)") { config, store, json, resync, target };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            return session is null ? ExitCodes.InvalidInput : await QueueAsync(session, result.GetValue(target)!, result.GetValue(json), result.GetValue(resync), ct);
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
            var retried = await ManualRuns.RetryAsync(session.Config, session.Store, session.Time, id, ct);
            if (retried.Queued is not { } queued)
            {
                LogOutput.Error(retried.Refusal == RetryRefusal.NotFound ? $"{retried.Error}; 'syncplane history' lists runs" : retried.Error!);
                return ExitCodes.InvalidInput;
            }

            var target = retried.Target!;
            await Audit.RecordAsync(session.Store, "run.retry", target, new { run_id = id, queued_run_id = queued.RunId }, ct);
            Print(target, queued, result.GetValue(json), id);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> QueueAsync(CliSession session, string target, bool json, bool resync, CancellationToken ct)
    {
        if (session.Config.Targets.FirstOrDefault(t => t.Name == target) is not { } config)
        {
            LogOutput.Error($"no target named '{target}' in {session.Config.File}; known targets: {string.Join(", ", session.Config.Targets.Select(t => t.Name))}");
            return ExitCodes.InvalidInput;
        }

        if (resync && ManualRuns.ResyncRefusal(config) is { } why)
        {
            LogOutput.Error(why);
            return ExitCodes.InvalidInput;
        }

        var queued = await ManualRuns.SyncNowAsync(session.Config, session.Store, session.Time, config, "manual", ct, resync);
        await Audit.RecordAsync(session.Store, "run.trigger", target, new { run_id = queued.RunId, coalesced = queued.Coalesced, resync }, ct);
        Print(target, queued, json, null);
        return ExitCodes.Success;
    }

    private static void Print(string target, EnqueueResult queued, bool json, long? retryOf)
    {
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
    }

    internal static string StatusText(RunStatus status) => status.ToString().ToLowerInvariant();
}
