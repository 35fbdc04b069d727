using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary><c>GET /api/v1/audit</c> (admin): who did what and when, newest first, paginated.</summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAsync).RequireAuthorization(Policies.Admin).WithName("ListAudit")
            .WithSummary("Manual actions and settings changes: who, what, on what, when (newest first; limit, cursor)");

    private static async Task<IResult> ListAsync(ServerContext context, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem) || !Paging.TryDecodeId(cursor, out var before, out problem))
        {
            return problem!;
        }

        var records = await context.Store.ListAuditAsync(before, size, cancellationToken);
        return Results.Ok(new
        {
            items = records.Select(r => new { id = r.Id, at = r.At, actor = r.Actor, action = r.Action, subject = r.Subject, details = JsonSerializer.Deserialize<JsonElement>(r.Details) }),
            next_cursor = records.Count == size ? Paging.EncodeId(records[^1].Id) : null,
        });
    }
}
