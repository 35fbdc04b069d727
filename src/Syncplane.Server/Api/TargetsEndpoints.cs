using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>Targets: their config (without secrets) and telemetry, sync now, frequency.</summary>
internal static class TargetsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/targets", ListAsync).RequireAuthorization(Policies.Viewer).WithName("ListTargets");
    }

    private static async Task<IResult> ListAsync(ServerContext context, CancellationToken cancellationToken)
    {
        var states = (await context.Store.ListTargetStatesAsync(cancellationToken)).ToDictionary(s => s.Target, StringComparer.Ordinal);
        return Results.Ok(new
        {
            items = context.Config.Targets.Select(t => new
            {
                name = t.Name,
                description = t.Description,
                status = states.TryGetValue(t.Name, out var state) ? state.Status : "idle",
            }),
        });
    }
}
