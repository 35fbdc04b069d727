using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Alerts;
using Syncplane.Config;
using Syncplane.Projects;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// Alerts: every rule × target (or check) with its state, the active silences and how each channel's deliveries go;
/// the history of transitions; silences and acknowledgements (operator).
/// </summary>
internal static class AlertsEndpoints
{
    private const int MaxHistory = 500;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/alerts", ListAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListAlerts")
            .WithSummary("Alert states, active silences and channel health (a channel whose latest attempt failed has failing: true)");
        api.MapGet("/alerts/history", HistoryAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("AlertHistory")
            .WithSummary("Alert transitions, newest first (?alert=ID, ?limit=N up to 500)");
        api.MapPost("/alerts/silences", SilenceAsync).RequireAuthorization(Policies.Operator).ScopeFiltered().WithName("SilenceAlerts")
            .WithSummary("Silence matching alerts: {\"matchers\": {\"rule\": \"…\", \"target\": \"lz-*\"}, \"duration\": \"2h\" or \"until\": \"…Z\", \"comment\": \"…\"}");
        api.MapPost("/alerts/{id:long}/ack", AckAsync).RequireAuthorization(Policies.Operator).ScopedTo(ScopedObject.Alert, "id", (_, id) => UnknownAlert(id)).WithName("AcknowledgeAlert")
            .WithSummary("Acknowledge a firing alert (409 when it is not firing)");
    }

    private static async Task<IResult> ListAsync(ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var scope = context.ScopeOf(user);
        var now = context.Time.GetUtcNow();
        var states = await context.Store.ListAlertStatesAsync(cancellationToken);
        var silences = await context.Store.ListAlertSilencesAsync(now, cancellationToken);
        var channels = await context.Store.ListAlertChannelsAsync(cancellationToken);
        return Results.Ok(new
        {
            alerts = states.Where(s => scope.SeesSubject(s.Kind, s.Subject)).Select(s => View(context, s)),
            silences = silences.Where(s => Sees(scope, s.Matchers)).Select(SilenceView),

            // Channels are shared by every project (their errors may name any target): global tokens only.
            channels = channels.Where(_ => scope.IsGlobal).Select(c => new
            {
                notifier = c.Notifier,
                failing = c.Failing,
                consecutive_failures = c.ConsecutiveFailures,
                last_error = c.LastError,
                last_success_at = c.LastSuccessAt,
                last_failure_at = c.LastFailureAt,
                pending = c.Pending,
            }),
        });
    }

    private static async Task<IResult> HistoryAsync(long? alert, int? limit, ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxHistory)
        {
            return Problems.BadRequest($"'limit' must be between 1 and {MaxHistory}");
        }

        var scope = context.ScopeOf(user);
        var entries = await context.Store.ListAlertHistoryAsync(alert, limit ?? 100, cancellationToken);
        return Results.Ok(new
        {
            items = entries.Where(e => scope.IsGlobal || (context.Config.Alerts.FirstOrDefault(r => r.Name == e.Rule) is { } rule
                && scope.SeesSubject(rule.IsCheckRule ? "check" : "target", e.Subject))).Select(e => new { id = e.Id, alert_id = e.AlertId, at = e.At, rule = e.Rule, subject = e.Subject, transition = e.Transition, value = e.Value, message = e.Message }),
        });
    }

    private static async Task<IResult> SilenceAsync(HttpRequest request, ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken)).RootElement;
        }
        catch (JsonException)
        {
            return Problems.BadRequest(SilenceRequest.Shape);
        }

        if (SilenceRequest.Read(body, context.Time.GetUtcNow(), out var error) is not { } silence)
        {
            return Problems.BadRequest(error!);
        }

        if (!Sees(context.ScopeOf(user), silence.Matchers))
        {
            return Problems.BadRequest("a project token's silence must name targets or checks of its project exactly: matchers.target or matchers.check, without glob characters");
        }

        var actor = Policies.Actor(user);
        var stored = await context.Store.AddAlertSilenceAsync(silence.Matchers, silence.Until, actor, silence.Comment, cancellationToken);
        await AuditTrail.RecordAsync(context, user, "alert.silence", $"silence {stored.Id}", new { matchers = stored.Matchers, until = stored.Until, comment = stored.Comment });
        return Results.Created($"/api/v1/alerts/silences/{stored.Id}", SilenceView(stored));
    }

    private static async Task<IResult> AckAsync(long id, ServerContext context, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await context.Store.GetAlertStateAsync(id, cancellationToken) is not { } state)
        {
            return UnknownAlert(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!await context.Store.AcknowledgeAlertAsync(id, Policies.Actor(user), cancellationToken))
        {
            return Problems.Conflict($"alert {id} ({state.Rule} on {state.Kind} {state.Subject}) is {state.State}, not firing; only a firing alert can be acknowledged");
        }

        await AuditTrail.RecordAsync(context, user, "alert.ack", $"alert {id}", new { rule = state.Rule, subject = state.Subject });
        return Results.Ok(View(context, (await context.Store.GetAlertStateAsync(id, cancellationToken))!));
    }

    private static IResult UnknownAlert(string id) => Problems.NotFound($"no alert has id {id}; GET /api/v1/alerts lists them");

    // A project sees (and may create) a silence that names only its own targets or checks, by exact name.
    private static bool Sees(ProjectScope scope, IReadOnlyDictionary<string, string> matchers)
    {
        if (scope.IsGlobal)
        {
            return true;
        }

        var target = matchers.GetValueOrDefault("target");
        var check = matchers.GetValueOrDefault("check");
        return (target is not null || check is not null)
            && (target is null || (IsExact(target) && scope.SeesTarget(target)))
            && (check is null || (IsExact(check) && scope.SeesCheck(check)));
    }

    private static bool IsExact(string pattern) => pattern.IndexOfAny(['*', '?', '[', ']', '{', '}', '\\']) < 0;

    private static Dictionary<string, object?> View(ServerContext context, AlertState s)
    {
        var rule = context.Config.Alerts.FirstOrDefault(r => r.Name == s.Rule);
        return new Dictionary<string, object?>
        {
            ["id"] = s.Id,
            ["rule"] = s.Rule,
            [s.Kind] = s.Subject,
            ["state"] = s.State,
            ["since"] = s.Since,
            ["severity"] = s.Severity,
            ["condition"] = rule?.When.Text,
            ["value"] = s.Value,
            ["value_text"] = s.Value is { } v ? rule?.When.FormatValue(v) : null,
            ["notified"] = s.Notified,
            ["acked_by"] = s.AckedBy,
            ["acked_at"] = s.AckedAt,
        };
    }

    private static object SilenceView(AlertSilence s) =>
        new { id = s.Id, matchers = s.Matchers, until = s.Until, created_by = s.CreatedBy, comment = s.Comment, created_at = s.CreatedAt };
}
