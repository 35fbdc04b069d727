using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Syncplane.Projects;
using Syncplane.Server.Api;

namespace Syncplane.Server.Security;

/// <summary>
/// Middleware after authorization: holds project tokens to their project on every route. A global token passes at the
/// cost of one claim lookup. For a project token, a route that names an object of another project answers exactly as
/// for an object that does not exist (the route's own 404) and the denial is audited; a global-only route answers 403;
/// an authorized route that declares no <see cref="ProjectScoping"/> answers 403 (fail closed).
/// </summary>
internal static class ProjectGate
{
    /// <summary>The claim that carries a token's project; absent for a global token.</summary>
    public const string ProjectClaim = "syncplane:project";

    /// <summary>The caller's scope, from its token's project and the loaded config (no store read).</summary>
    public static ProjectScope ScopeOf(this ServerContext context, ClaimsPrincipal user) =>
        user.FindFirst(ProjectClaim) is { } claim ? ProjectScope.For(context.Config.Projects, claim.Value) : ProjectScope.Global;

    public static async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint() is not { } endpoint || http.User.FindFirst(ProjectClaim) is null)
        {
            await next(http);
            return;
        }

        var rule = endpoint.Metadata.GetMetadata<ProjectScoping>();
        if (rule is null)
        {
            // Public routes (dashboard files, health, inbound webhooks) hold no project's data.
            if (endpoint.Metadata.GetMetadata<IAuthorizeData>() is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                await next(http);
                return;
            }

            await Problems.Write(http, StatusCodes.Status403Forbidden, "Forbidden", "this route is not available to project tokens; use a global token");
            return;
        }

        switch (rule.Kind)
        {
            case ScopingKind.GlobalOnly:
                await Problems.Write(http, StatusCodes.Status403Forbidden, "Forbidden", "this route covers every project; use a global token (this one is scoped to a project)");
                return;
            case ScopingKind.Object:
                var context = http.RequestServices.GetRequiredService<ServerContext>();
                var value = Canonical(rule.Object, http.Request.RouteValues[rule.Parameter]?.ToString() ?? "");
                if (await OwnerAsync(context, rule.Object, value, http.RequestAborted) is { } owner && !context.ScopeOf(http.User).Sees(owner))
                {
                    // The subject is what was probed (a run's or alert's target or check), so that project's admins see the attempt.
                    await AuditTrail.RecordAsync(context, http.User, "project.denied", owner.Name, new
                    {
                        project = http.User.FindFirst(ProjectClaim)!.Value,
                        method = http.Request.Method,
                        path = http.Request.Path.Value,
                    });
                    await rule.NotFound!(http, value).ExecuteAsync(http);
                    return;
                }

                break;
        }

        await next(http);
    }

    // The object the route names, reduced to what the scope decides on: a (kind, name) for a target, check or document,
    // the target of a run, the target or check of an alert; null when it does not exist (the handler answers that itself).
    private static async Task<Owner?> OwnerAsync(ServerContext context, ScopedObject kind, string value, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case ScopedObject.Run:
                return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var runId)
                    && await context.Store.GetRunAsync(runId, cancellationToken) is { } run ? new Owner("target", run.Target) : null;
            case ScopedObject.Alert:
                return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var alertId)
                    && await context.Store.GetAlertStateAsync(alertId, cancellationToken) is { } alert ? new Owner(alert.Kind, alert.Subject) : null;
            case ScopedObject.Target:
                return TargetsEndpoints.Find(context, value) is not null ? new Owner("target", value) : null;
            case ScopedObject.Check:
                return context.Config.Checks.Find(value) is not null ? new Owner("check", value) : null;
            default:
                return Documents.DocumentTarget.Find(context.Config, value) is not null ? new Owner("document", value) : null;
        }
    }

    // An id as the handler prints it: the {id:long} constraint takes "+7" and "007" as 7, and so must the 404 for another project's run 7.
    private static string Canonical(ScopedObject kind, string value) =>
        kind is ScopedObject.Run or ScopedObject.Alert && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id.ToString(CultureInfo.InvariantCulture)
            : value;

    private static bool Sees(this ProjectScope scope, Owner owner) => owner.Kind switch
    {
        "document" => scope.SeesDocument(owner.Name),
        _ => scope.SeesSubject(owner.Kind, owner.Name),
    };

    private sealed record Owner(string Kind, string Name);
}
