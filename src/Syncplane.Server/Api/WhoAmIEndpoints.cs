using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Access;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary><c>GET /api/v1/whoami</c>: the caller's token name and role, so a client shows only the actions it may take.</summary>
internal static class WhoAmIEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/whoami", Get).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("WhoAmI")
            .WithSummary("The caller: token name (or anonymous), role (viewer, operator or admin) and project (null for a global token)");

    private static IResult Get(ClaimsPrincipal user)
    {
        var role = (ApiRole)int.Parse(user.FindFirst(Policies.RoleClaim)!.Value, CultureInfo.InvariantCulture);
        return Results.Ok(new { name = Policies.Actor(user), role = role.ToString().ToLowerInvariant(), project = user.FindFirst(ProjectGate.ProjectClaim)?.Value });
    }
}
