using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Syncplane.Config;

namespace Syncplane.Server.Api;

/// <summary>
/// Whole answers of <c>GET /api/v1/targets</c>, kept per caller's project, cursor and page size and sent again as the same
/// bytes while what they were made from holds: the same loaded config, the same telemetry snapshot
/// (<see cref="TargetTelemetryCache"/> replaces it when the event log moves or a status it holds turns with the clock), and
/// the clock before the first moment one of its items changes (a next run, at most a second ahead). A page with a document
/// target is never kept: its document ages.
/// </summary>
/// <remarks>
/// Authentication and authorization run before the handler on every request, so a revoked token is refused as
/// <see cref="Security.TokenCache"/> says, whatever is kept here; the token's project is part of the key, so a project
/// token is never answered from another scope's page. The pages hold at most <see cref="MaxBytes"/> together; past that
/// the cache starts afresh.
/// </remarks>
internal sealed class TargetListCache
{
    private const long MaxBytes = 16 << 20;

    private readonly ConcurrentDictionary<PageKey, Page> _pages = new();
    private long _bytes;

    /// <summary>The kept page for <paramref name="key"/> if it was made from <paramref name="config"/> and <paramref name="snapshot"/> and is still true at <paramref name="now"/>.</summary>
    public Page? Find(PageKey key, SyncplaneConfig config, object snapshot, DateTimeOffset now) =>
        _pages.TryGetValue(key, out var page) && ReferenceEquals(page.Config, config) && ReferenceEquals(page.Snapshot, snapshot) && now < page.Until
            ? page
            : null;

    /// <summary>The page made of <paramref name="items"/>, kept for the next request unless it is already out of date at <paramref name="now"/>.</summary>
    public Page Keep(PageKey key, SyncplaneConfig config, JsonItems items, byte[]? nextCursor, DateTimeOffset now)
    {
        var body = JsonItemsBody.Of(items.Items, nextCursor);
        var tag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}\"", isWeak: true);
        var page = new Page(config, items.Snapshot, items.Until, body, tag);
        if (now < page.Until)
        {
            var replaced = _pages.TryGetValue(key, out var old) ? old.Body.Length : 0;
            if (Interlocked.Add(ref _bytes, body.Length - replaced) > MaxBytes)
            {
                _pages.Clear();
                Interlocked.Exchange(ref _bytes, body.Length);
            }

            _pages[key] = page;
        }

        return page;
    }
}

/// <summary>What a list answer depends on besides the config and the telemetry: the caller's project (null: global), the cursor and the page size.</summary>
internal readonly record struct PageKey(string? Project, string? Cursor, int Size);

/// <summary>One list answer: its body and a weak ETag of it (<c>If-None-Match</c> gets 304, as documents do).</summary>
internal sealed record Page(SyncplaneConfig Config, object Snapshot, DateTimeOffset Until, byte[] Body, EntityTagHeaderValue ETag)
{
    public IResult Answer(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache";
        return Results.Bytes(Body, JsonItemsBody.ContentType, entityTag: ETag);
    }
}
