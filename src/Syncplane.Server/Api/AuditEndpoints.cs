using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Projects;
using Syncplane.Server.Security;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary><c>GET /api/v1/audit</c> (admin): who did what and when, newest first, paginated.</summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAsync).RequireAuthorization(Policies.Admin).ScopeFiltered().WithName("ListAudit")
            .WithSummary("Manual actions and settings changes: who, what, on what, when (newest first; limit, cursor)");

    private static async Task<IResult> ListAsync(ServerContext context, System.Security.Claims.ClaimsPrincipal user, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem) || !Paging.TryDecodeId(cursor, out var before, out problem))
        {
            return problem!;
        }

        var scope = context.ScopeOf(user);
        var (records, more) = scope.IsGlobal ? await AllAsync(context, before, size, cancellationToken) : await ScopedAsync(context, scope, before, size, cancellationToken);
        return Results.Ok(new
        {
            items = records.Select(r => new { id = r.Id, at = r.At, actor = r.Actor, action = r.Action, subject = r.Subject, details = JsonSerializer.Deserialize<JsonElement>(r.Details) }),
            next_cursor = more ? Paging.EncodeId(records[^1].Id) : null,
        });
    }

    private static async Task<(IReadOnlyList<AuditRecord> Records, bool More)> AllAsync(ServerContext context, long? before, int size, CancellationToken cancellationToken)
    {
        var records = await context.Store.ListAuditAsync(before, size, cancellationToken);
        return (records, records.Count == size);
    }

    // A project's admin sees what was done to its own targets and checks (and attempts on them from other projects).
    private static async Task<(IReadOnlyList<AuditRecord> Records, bool More)> ScopedAsync(
        ServerContext context, ProjectScope scope, long? before, int size, CancellationToken cancellationToken)
    {
        var kept = new List<AuditRecord>();
        while (true)
        {
            var page = await context.Store.ListAuditAsync(before, size, cancellationToken);
            foreach (var record in page)
            {
                if (scope.SeesTarget(record.Subject) || scope.SeesCheck(record.Subject))
                {
                    kept.Add(record);
                    if (kept.Count == size)
                    {
                        return (kept, true);
                    }
                }
            }

            if (page.Count < size)
            {
                return (kept, false);
            }

            before = page[^1].Id;
        }
    }
}
