using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Documents;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// Documents (the <c>document</c> destination): <c>GET /api/v1/documents</c>, <c>GET /api/v1/documents/{name}</c> and seed
/// 001's <c>GET /api/v1/sync/infrastructure-state</c>. The last good document is always served, with its age, <c>stale</c>
/// and the error of a later failed run; a weak ETag names its version, so <c>If-None-Match</c> gets 304 from one store read.
/// </summary>
internal static class DocumentsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/documents", ListAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListDocuments")
            .WithSummary("Every declared document with its freshness (synced_at, age_seconds, stale, last_error) and counts");
        api.MapGet("/documents/{name}", GetAsync).RequireAuthorization(Policies.Viewer).ScopedTo(ScopedObject.Document, "name", (_, name) => UnknownDocument(name)).WithName("GetDocument")
            .WithSummary("One document: freshness fields and the document itself; ETag and If-None-Match (304)");
        api.MapGet("/sync/infrastructure-state", InfrastructureStateAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("InfrastructureState")
            .WithSummary("Seed 001: the document chosen by documents.infrastructure_state, with sync_metadata; ETag and If-None-Match (304)");
    }

    private static async Task<IResult> ListAsync(ServerContext context, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var items = new List<DocumentStatus>();
        var scope = context.ScopeOf(user);
        foreach (var declared in DocumentTarget.All(context.Config).Where(d => scope.SeesDocument(d.Name)))
        {
            var stored = await context.Store.GetDocumentAsync(declared.Name, cancellationToken);
            items.Add(await DocumentStatus.OfAsync(declared, stored, context.Store, context.Time, cancellationToken));
        }

        return Results.Ok(new { items });
    }

    private static Task<IResult> GetAsync(string name, HttpContext http, ServerContext context, DocumentCache cache, CancellationToken cancellationToken) =>
        ServeAsync(name, http, context, cache, seedShape: false, cancellationToken);

    private static Task<IResult> InfrastructureStateAsync(HttpContext http, ServerContext context, DocumentCache cache, CancellationToken cancellationToken) =>
        context.Config.InfrastructureStateDocument is { } name && context.ScopeOf(http.User).SeesDocument(name)
            ? ServeAsync(name, http, context, cache, seedShape: true, cancellationToken)
            : Task.FromResult(Problems.NotFound("no document is served here; choose one with documents: { infrastructure_state: NAME } in syncplane.yaml"));

    private static async Task<IResult> ServeAsync(string name, HttpContext http, ServerContext context, DocumentCache cache, bool seedShape, CancellationToken cancellationToken)
    {
        if (DocumentTarget.Find(context.Config, name) is not { } declared)
        {
            return UnknownDocument(name);
        }

        var stored = await context.Store.GetDocumentAsync(name, cancellationToken);
        if (stored is null)
        {
            var status = await DocumentStatus.OfAsync(declared, null, context.Store, context.Time, cancellationToken);
            return Problems.NotFound($"document '{name}' has no successful sync of target '{declared.Target}' yet" +
                (status.LastError is { } error ? $"; its latest run {error.Status}: {error.Message}" : ""));
        }

        var etag = $"W/\"{stored.ETag}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var freshness = await DocumentStatus.OfAsync(declared, stored, context.Store, context.Time, cancellationToken);
        var body = await cache.GetAsync(declared, stored, context.Store, cancellationToken);
        var meta = JsonSerializer.SerializeToUtf8Bytes(freshness, DocumentCache.Json);
        return Results.Bytes(seedShape ? Splice(body, "sync_metadata", meta) : Splice(meta, "document", body), "application/json");
    }

    internal static IResult UnknownDocument(string name) => Problems.NotFound($"no document named '{name}' is declared in the config");

    // {…a…} + "name": {…b…} → {…a…, "name": {…b…}}: both are objects, neither is parsed again.
    private static byte[] Splice(byte[] outer, string name, byte[] inner)
    {
        var close = Array.LastIndexOf(outer, (byte)'}');
        var joint = Encoding.UTF8.GetBytes($"{(close > 1 ? "," : "")}\"{name}\":");
        var result = new byte[close + joint.Length + inner.Length + 1];
        outer.AsSpan(0, close).CopyTo(result);
        joint.CopyTo(result, close);
        inner.CopyTo(result, close + joint.Length);
        result[^1] = (byte)'}';
        return result;
    }
}
