using Syncplane.Config;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;

namespace Syncplane.Alerts;

/// <summary>
/// Moves each rule × target (or check) through ok → pending (while <c>for:</c> runs) → firing → resolved, reading
/// metrics through <see cref="IAlertFacts"/>. Every change is a conditional write in the store, so any number of
/// nodes may evaluate at once: one of them records each transition, with its outbox rows, and the others see it.
/// </summary>
/// <remarks>
/// A metric with no value (no runs in the window, no success yet, no check result) does not meet any condition.
/// Silences are applied when an alert fires: a silenced firing is tracked and recorded but sends nothing, and neither
/// does its resolve. The resolve of a firing that was sent is always sent, so an incident opened is closed.
/// </remarks>
internal sealed class AlertEvaluator(SyncplaneConfig config, ISyncStore store, IAlertFacts facts, TimeProvider time, Action<string>? log = null)
{
    /// <summary>Evaluates every rule for every target and check: a few reads, however many targets, and a write per transition.</summary>
    public async Task EvaluateAllAsync(CancellationToken cancellationToken)
    {
        if (config.Alerts.Count == 0)
        {
            return;
        }

        var silences = await store.ListAlertSilencesAsync(time.GetUtcNow(), cancellationToken);
        var states = await KnownStatesAsync(cancellationToken);
        await EvaluateTargetsAsync(null, silences, states, cancellationToken);
        await EvaluateChecksAsync(silences, states, cancellationToken);
    }

    /// <summary>Evaluates the rules that watch <paramref name="target"/> (after one of its runs finished).</summary>
    public async Task EvaluateTargetAsync(string target, CancellationToken cancellationToken)
    {
        if (config.Alerts.Any(r => !r.IsCheckRule && r.Covers(target)))
        {
            var silences = await store.ListAlertSilencesAsync(time.GetUtcNow(), cancellationToken);
            // One target's few states are read one by one, not every alert's state on each finished run.
            await EvaluateTargetsAsync(target, silences, [], cancellationToken);
        }
    }

    /// <summary>Evaluates the rules that watch checks (after a check changed).</summary>
    public async Task EvaluateChecksAsync(CancellationToken cancellationToken)
    {
        if (config.Alerts.Any(r => r.IsCheckRule))
        {
            var silences = await store.ListAlertSilencesAsync(time.GetUtcNow(), cancellationToken);
            await EvaluateChecksAsync(silences, await KnownStatesAsync(cancellationToken), cancellationToken);
        }
    }

    private async Task<Dictionary<(string Rule, string Subject), AlertState>> KnownStatesAsync(CancellationToken cancellationToken) =>
        (await store.ListAlertStatesAsync(cancellationToken)).ToDictionary(s => (s.Rule, s.Subject));

    // Every target's facts (or one target's) are read once per distinct window, not once per rule × target.
    private async Task EvaluateTargetsAsync(string? only, IReadOnlyList<AlertSilence> silences, Dictionary<(string, string), AlertState> states, CancellationToken cancellationToken)
    {
        var byWindow = new Dictionary<TimeSpan, IReadOnlyDictionary<string, TargetFacts>>();
        foreach (var target in config.Targets.Where(t => only is null || t.Name == only))
        {
            foreach (var rule in config.Alerts.Where(r => !r.IsCheckRule && r.Covers(target.Name)))
            {
                if (!byWindow.TryGetValue(rule.Over, out var read))
                {
                    byWindow[rule.Over] = read = await facts.GetTargetsAsync(only, rule.Over, cancellationToken);
                }

                var value = AlertMetricValues.Of(rule.When.Metric, read.GetValueOrDefault(target.Name), time.GetUtcNow());
                await StepAsync(rule, "target", target.Name, value, silences, states, cancellationToken);
            }
        }
    }

    private async Task EvaluateChecksAsync(IReadOnlyList<AlertSilence> silences, Dictionary<(string, string), AlertState> states, CancellationToken cancellationToken)
    {
        var statuses = await facts.GetCheckStatusesAsync(cancellationToken);
        foreach (var check in config.Checks.Items)
        {
            foreach (var rule in config.Alerts.Where(r => r.IsCheckRule && r.Covers(check.Name)))
            {
                var value = AlertMetricValues.Of(statuses.TryGetValue(check.Name, out var status) ? status : null);
                await StepAsync(rule, "check", check.Name, value, silences, states, cancellationToken);
            }
        }
    }

    private async Task StepAsync(
        AlertRule rule, string kind, string subject, double? value, IReadOnlyList<AlertSilence> silences, Dictionary<(string, string), AlertState> states, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var met = value is { } v && rule.When.IsMet(v);
        // Read with every other state before this pass; a node that changed it meanwhile makes the transition below a no-op.
        var state = states.GetValueOrDefault((rule.Name, subject)) ?? await store.EnsureAlertStateAsync(rule.Name, subject, kind, rule.Severity.ToText(), cancellationToken);
        var shown = value is { } measured ? rule.When.FormatValue(measured) : null;
        var transition = (state.State, met) switch
        {
            (AlertStates.Ok or AlertStates.Resolved, true) when rule.For > TimeSpan.Zero =>
                Quiet(state, AlertStates.Pending, AlertTransitions.Pending, value, $"{rule.When.Text} holds (now {shown}); fires if it still does after {DurationParser.Format(rule.For)}"),
            (AlertStates.Ok or AlertStates.Resolved, true) => Fire(rule, state, kind, value, shown, silences, now),
            (AlertStates.Pending, true) when now - state.Since >= rule.For => Fire(rule, state, kind, value, shown, silences, now),
            (AlertStates.Pending, false) =>
                Quiet(state, AlertStates.Ok, AlertTransitions.Cleared, value, $"{rule.When.Text} stopped holding before {DurationParser.Format(rule.For)}; nothing was sent"),
            (AlertStates.Firing, false) => Resolve(rule, state, kind, value, shown, now),
            _ => null,
        };

        if (transition is not null && await store.TransitionAlertAsync(transition, cancellationToken))
        {
            log?.Invoke($"alert {rule.Name} on {kind} {subject}: {state.State} → {transition.NewState}{(transition.Deliveries.Count > 0 ? $", notifying {string.Join(", ", transition.Deliveries.Keys)}" : "")}");
        }
    }

    private static AlertTransition Quiet(AlertState state, string newState, string transition, double? value, string message) =>
        new(state.Id, state.Version, newState, transition, value, Notified: false, message, new Dictionary<string, string>());

    private AlertTransition Fire(AlertRule rule, AlertState state, string kind, double? value, string? shown, IReadOnlyList<AlertSilence> silences, DateTimeOffset now)
    {
        var silence = silences.FirstOrDefault(s => AlertSilences.Matches(s, rule.Name, kind, state.Subject));
        var message = $"{rule.When.Text} (now {shown})" + (silence is null ? "" : $"; silenced by silence {silence.Id} until {Events.UtcTimestamps.Text(silence.Until)}, nothing sent");
        var deliveries = silence is null ? Deliveries(rule, state, kind, AlertTransitions.Firing, shown, now) : new Dictionary<string, string>();
        return new AlertTransition(state.Id, state.Version, AlertStates.Firing, AlertTransitions.Firing, value, Notified: silence is null, message, deliveries);
    }

    private AlertTransition Resolve(AlertRule rule, AlertState state, string kind, double? value, string? shown, DateTimeOffset now)
    {
        var deliveries = state.Notified ? Deliveries(rule, state, kind, AlertTransitions.Resolved, shown, now) : new Dictionary<string, string>();
        var message = $"{rule.When.Text} no longer holds{(shown is null ? "" : $" (now {shown})")}{(state.Notified ? "" : "; its firing was silenced, so nothing is sent")}";
        return new AlertTransition(state.Id, state.Version, AlertStates.Resolved, AlertTransitions.Resolved, value, Notified: false, message, deliveries);
    }

    private Dictionary<string, string> Deliveries(AlertRule rule, AlertState state, string kind, string transition, string? shown, DateTimeOffset now)
    {
        var notice = new AlertNotice
        {
            AlertId = state.Id,
            Rule = rule.Name,
            Kind = kind,
            Subject = state.Subject,
            Transition = transition,
            Severity = rule.Severity.ToText(),
            Condition = rule.When.Text,
            Value = shown,
            At = now,
        }.ToJson();
        return rule.Notify.Where(n => config.Notifiers.Any(c => c.Name == n)).Distinct(StringComparer.Ordinal).ToDictionary(n => n, _ => notice, StringComparer.Ordinal);
    }
}
