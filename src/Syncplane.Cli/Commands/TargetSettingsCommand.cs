using System.CommandLine;
using Syncplane.Config;
using Syncplane.Scheduling;

namespace Syncplane.Cli.Commands;

/// <summary>
/// Runtime settings kept in the store, read by every node's scheduler within 30 s:
/// <c>syncplane frequency TARGET VALUE|--clear</c>, <c>syncplane pause TARGET [--reason TEXT]</c>, <c>syncplane resume TARGET</c>.
/// </summary>
internal static class TargetSettingsCommand
{
    public static Command CreateFrequency()
    {
        var value = new Argument<string?>("VALUE") { Description = "cron, 'every <duration>' or a preset (manual, realtime, 5min, 10min, 30min, hourly, daily)", Arity = ArgumentArity.ZeroOrOne };
        var clear = new Option<bool>("--clear") { Description = "Go back to the schedule in the config file" };
        return Create("frequency", "Override a target's schedule at run time (the config file stays the default)", [value, clear], async (session, target, result, ct) =>
        {
            var text = result.GetValue(value);
            if (result.GetValue(clear) == (text is not null))
            {
                LogOutput.Error("give either a VALUE or --clear");
                return ExitCodes.InvalidInput;
            }

            if (text is not null)
            {
                if (!Schedule.TryParse(text, target.Schedule.TimeZone, out var schedule, out var error))
                {
                    LogOutput.Error($"invalid frequency '{text}': {error}");
                    return ExitCodes.InvalidInput;
                }

                text = schedule.Text; // presets in their canonical spelling: Realtime → realtime
            }

            await session.Store.SetFrequencyOverrideAsync(target.Name, text, ct);
            await Audit.RecordAsync(session.Store, "target.frequency", target.Name, new { frequency = text }, ct);
            Console.WriteLine(text is null ? $"{target.Name}: back to the config's schedule '{target.Schedule.Text}'" : $"{target.Name}: frequency is now '{text}' (config: '{target.Schedule.Text}')");
            return ExitCodes.Success;
        });
    }

    public static Command CreatePause()
    {
        var reason = new Option<string>("--reason") { Description = "Why (shown by 'syncplane status')", DefaultValueFactory = _ => "paused by hand" };
        return Create("pause", "Stop scheduling a target until it is resumed (manual runs still go through)", [reason], async (session, target, result, ct) =>
        {
            await session.Store.SetPausedAsync(target.Name, result.GetValue(reason), ct);
            await Audit.RecordAsync(session.Store, "target.pause", target.Name, new { reason = result.GetValue(reason) }, ct);
            Console.WriteLine($"{target.Name}: paused");
            return ExitCodes.Success;
        });
    }

    public static Command CreateResume() =>
        Create("resume", "Schedule a paused target again", [], async (session, target, _, ct) =>
        {
            await session.Store.SetPausedAsync(target.Name, null, ct);
            await Audit.RecordAsync(session.Store, "target.resume", target.Name, new { }, ct);
            Console.WriteLine($"{target.Name}: resumed");
            return ExitCodes.Success;
        });

    private static Command Create(string name, string description, Symbol[] extra, Func<CliSession, TargetConfig, ParseResult, CancellationToken, Task<int>> action)
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var targetName = new Argument<string>("TARGET") { Description = "The target" };
        var command = new Command(name, description) { config, store, targetName };
        foreach (var symbol in extra)
        {
            if (symbol is Option option)
            {
                command.Options.Add(option);
            }
            else
            {
                command.Arguments.Add((Argument)symbol);
            }
        }

        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var wanted = result.GetValue(targetName)!;
            if (session.Config.Targets.FirstOrDefault(t => t.Name == wanted) is not { } target)
            {
                LogOutput.Error($"no target named '{wanted}' in {session.Config.File}; known targets: {string.Join(", ", session.Config.Targets.Select(t => t.Name))}");
                return ExitCodes.InvalidInput;
            }

            return await action(session, target, result, ct);
        });
        return command;
    }
}
