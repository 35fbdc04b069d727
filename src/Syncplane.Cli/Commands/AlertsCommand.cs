using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Syncplane.Alerts;

namespace Syncplane.Cli.Commands;

/// <summary>
/// <c>syncplane alerts [list|history|silence|ack]</c>: alert states, active silences and channel health; the transition
/// history; a new silence; an acknowledgement. Reads and writes the store, as <c>serve</c> does.
/// </summary>
internal static class AlertsCommand
{
    public static Command Create()
    {
        var list = List("list");
        var command = new Command("alerts", "Show alert states, silences and channel health; silence or acknowledge alerts (see docs/alerts.md)");
        foreach (var option in list.Options)
        {
            command.Options.Add(option);
        }

        command.Action = list.Action;
        command.Subcommands.Add(list);
        command.Subcommands.Add(History());
        command.Subcommands.Add(Silence());
        command.Subcommands.Add(Ack());
        return command;
    }

    private static Command List(string name)
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var command = new Command(name, "Every rule × target (or check) with its state, the active silences and each channel's delivery health") { config, store, json };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var states = await session.Store.ListAlertStatesAsync(ct);
            var silences = await session.Store.ListAlertSilencesAsync(session.Time.GetUtcNow(), ct);
            var channels = await session.Store.ListAlertChannelsAsync(ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { alerts = states, silences, channels }, JsonOutput.Options));
                return ExitCodes.Success;
            }

            if (session.Config.Alerts.Count == 0)
            {
                Console.Error.WriteLine("No alert rules in the config (add an alerts: section; see docs/alerts.md).");
            }

            Table.Write(["ID", "RULE", "SUBJECT", "STATE", "SINCE (UTC)", "VALUE", "SEVERITY", "ACK"],
                [.. states.Select(s => new[]
                {
                    s.Id.ToString(CultureInfo.InvariantCulture), s.Rule, $"{s.Kind} {s.Subject}", s.State, StatusCommand.When(s.Since),
                    Value(session, s), s.Severity, s.AckedBy ?? "",
                })]);
            foreach (var silence in silences)
            {
                Console.WriteLine($"silence {silence.Id}: {Matchers(silence)} until {StatusCommand.When(silence.Until)} by {silence.CreatedBy}{(silence.Comment.Length > 0 ? $": {silence.Comment}" : "")}");
            }

            foreach (var channel in channels)
            {
                Console.WriteLine(channel.Failing
                    ? $"channel {channel.Notifier}: FAILING ({channel.ConsecutiveFailures} failed attempt(s) in a row, last at {StatusCommand.When(channel.LastFailureAt)}): {channel.LastError}; {channel.Pending} pending"
                    : $"channel {channel.Notifier}: ok (last sent {StatusCommand.When(channel.LastSuccessAt)}); {channel.Pending} pending");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command History()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var json = CliOptions.Json();
        var alert = new Option<long?>("--alert") { Description = "Only this alert's transitions (its ID in 'syncplane alerts')" };
        var limit = new Option<int>("--limit") { Description = "At most this many lines", DefaultValueFactory = _ => 50 };
        var command = new Command("history", "Alert transitions, newest first") { config, store, json, alert, limit };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (result.GetValue(limit) < 1)
            {
                LogOutput.Error("--limit must be at least 1");
                return ExitCodes.InvalidInput;
            }

            var entries = await session.Store.ListAlertHistoryAsync(result.GetValue(alert), result.GetValue(limit), ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(entries, JsonOutput.Options));
                return ExitCodes.Success;
            }

            Table.Write(["AT (UTC)", "ALERT", "RULE", "SUBJECT", "TRANSITION", "MESSAGE"],
                [.. entries.Select(e => new[] { StatusCommand.When(e.At), e.AlertId.ToString(CultureInfo.InvariantCulture), e.Rule, e.Subject, e.Transition, e.Message })]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Silence()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var rule = new Option<string?>("--rule") { Description = "Rule-name glob" };
        var target = new Option<string?>("--target") { Description = "Target-name glob" };
        var check = new Option<string?>("--check") { Description = "Check-name glob" };
        var duration = new Option<string?>("--for") { Description = "How long, such as 2h (or use --until)" };
        var until = new Option<string?>("--until") { Description = "Until when, in UTC, such as 2026-12-01T18:00:00Z" };
        var comment = new Option<string?>("--comment") { Description = "Why (shown in alerts and the audit log)" };
        var command = new Command("silence", "Silence matching alerts: they are still tracked, but firing and resolving send nothing") { config, store, rule, target, check, duration, until, comment };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var matchers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, option) in new[] { ("rule", rule), ("target", target), ("check", check) })
            {
                if (result.GetValue(option) is { } glob)
                {
                    matchers[name] = glob;
                }
            }

            if (SilenceRequest.Create(matchers, result.GetValue(duration), result.GetValue(until), result.GetValue(comment), session.Time.GetUtcNow(), out var error) is not { } request)
            {
                LogOutput.Error($"{error} (use --rule, --target or --check, and --for or --until)");
                return ExitCodes.InvalidInput;
            }

            var silence = await session.Store.AddAlertSilenceAsync(request.Matchers, request.Until, Audit.Actor, request.Comment, ct);
            await Audit.RecordAsync(session.Store, "alert.silence", $"silence {silence.Id}", new { matchers = silence.Matchers, until = silence.Until, comment = silence.Comment }, ct);
            Console.WriteLine($"silence {silence.Id}: {Matchers(silence)} until {StatusCommand.When(silence.Until)} UTC");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Ack()
    {
        var config = CliOptions.Config();
        var store = CliOptions.Store();
        var id = new Argument<long>("ID") { Description = "The alert's ID (see 'syncplane alerts')" };
        var command = new Command("ack", "Acknowledge a firing alert") { config, store, id };
        command.SetAction(async (result, ct) =>
        {
            await using var session = await CliSession.OpenAsync(result.GetValue(config)!, result.GetValue(store), ct);
            if (session is null)
            {
                return ExitCodes.InvalidInput;
            }

            var alertId = result.GetValue(id);
            if (await session.Store.GetAlertStateAsync(alertId, ct) is not { } state)
            {
                LogOutput.Error($"no alert has ID {alertId}; 'syncplane alerts' lists them");
                return ExitCodes.InvalidInput;
            }

            if (!await session.Store.AcknowledgeAlertAsync(alertId, Audit.Actor, ct))
            {
                LogOutput.Error($"alert {alertId} ({state.Rule} on {state.Kind} {state.Subject}) is {state.State}, not firing; only a firing alert can be acknowledged");
                return ExitCodes.InvalidInput;
            }

            await Audit.RecordAsync(session.Store, "alert.ack", $"alert {alertId}", new { rule = state.Rule, subject = state.Subject }, ct);
            Console.WriteLine($"alert {alertId} ({state.Rule} on {state.Kind} {state.Subject}) acknowledged");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Value(CliSession session, AlertState state) =>
        state.Value is { } v && session.Config.Alerts.FirstOrDefault(r => r.Name == state.Rule) is { } rule ? rule.When.FormatValue(v) : "-";

    private static string Matchers(AlertSilence silence) => string.Join(", ", silence.Matchers.Select(m => $"{m.Key}={m.Value}"));
}
