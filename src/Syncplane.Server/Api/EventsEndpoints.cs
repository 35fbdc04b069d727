using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Syncplane.Events;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /api/v1/events</c>: the event log as Server-Sent Events, resumable with <c>Last-Event-ID</c>;
/// <c>GET /api/v1/events/recent</c>: the same events as JSON pages for clients that poll.
/// </summary>
internal static class EventsEndpoints
{
    /// <summary>How often an idle stream gets a comment line, so proxies keep it open.</summary>
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private const int MaxRecent = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events", StreamAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithMetadata(QueryTokens.Allowed).WithName("StreamEvents")
            .WithSummary("Events as text/event-stream; resume with Last-Event-ID; filter with ?target= and ?type= (run.* for a prefix)");
        api.MapGet("/events/recent", RecentAsync).RequireAuthorization(Policies.Viewer).ScopeFiltered().WithName("ListEvents")
            .WithSummary("Events after ?after= (default: the latest ?limit=), oldest first, as JSON");
    }

    private static async Task StreamAsync(HttpContext http, ServerContext context)
    {
        if (!TryReadFilter(http, context, out var filter, out var problem) || !TryReadResumePoint(http.Request, out var resumeAfter, out problem))
        {
            await Problems.Write(http, StatusCodes.Status400BadRequest, "Bad Request", problem);
            return;
        }

        // Subscribe first: the subscription's live feed starts after sub.After, and the store holds everything up to it.
        using var subscription = context.Events.Subscribe(filter);
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var stream = new EventStreamWriter(response.BodyWriter, context.Time, KeepAliveInterval);
        var cancellationToken = http.RequestAborted;
        try
        {
            await stream.WriteRetryAsync(cancellationToken);
            if (resumeAfter is { } after && after < subscription.After)
            {
                await foreach (var e in context.Events.ReplayAsync(after, subscription.After, filter, cancellationToken))
                {
                    stream.Write(e);
                    if (stream.Pending >= 64)
                    {
                        await stream.FlushAsync(cancellationToken);
                    }
                }
            }

            // Never send an id at or below what the client already has (it may resume from a node that is ahead of this one).
            stream.LastSent = Math.Max(resumeAfter ?? 0, subscription.After);
            await stream.FlushAsync(cancellationToken);
            await stream.PumpAsync(subscription.Reader, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex) when (ex is SlowSubscriberException or System.Threading.Channels.ChannelClosedException { InnerException: SlowSubscriberException })
        {
            // Dropped for falling behind: end the response; the client reconnects with Last-Event-ID and replays from the store.
        }
    }

    private static async Task<IResult> RecentAsync(HttpContext http, ServerContext context, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        if (!TryReadFilter(http, context, out var filter, out var problem))
        {
            return Problems.BadRequest(problem);
        }

        var limit = 100;
        if (query["limit"] is { Count: > 0 } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxRecent))
        {
            return Problems.BadRequest($"limit must be a whole number from 1 to {MaxRecent}");
        }

        long after;
        if (query["after"] is { Count: > 0 } afterText)
        {
            if (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            {
                return Problems.BadRequest("after must be an event id (a whole number)");
            }
        }
        else
        {
            after = Math.Max(0, await context.Store.GetLastEventIdAsync(cancellationToken) - limit);
        }

        var items = new List<object>();
        var cursor = after;
        while (items.Count < limit)
        {
            var page = await context.Store.ReadEventsAsync(cursor, limit, cancellationToken);
            // Once the page is full the cursor stops: last_id must not pass a matching event left out of it.
            foreach (var e in page.TakeWhile(_ => items.Count < limit))
            {
                cursor = e.Id;
                if (filter.Matches(e))
                {
                    items.Add(EventJson.ToObject(e));
                }
            }

            if (page.Count < limit)
            {
                break;
            }
        }

        return Results.Ok(new { items, last_id = cursor });
    }

    // A project token's filter also holds the events to its project (ProjectScope.SeesEvent), on the live feed and in replays.
    private static bool TryReadFilter(HttpContext http, ServerContext context, out EventFilter filter, out string problem)
    {
        var request = http.Request;
        string[] targets = [.. Values(request.Query["target"])];
        string[] types = [.. Values(request.Query["type"])];
        var scope = context.ScopeOf(http.User);
        filter = new EventFilter(targets, types) { Visible = scope.IsGlobal ? null : scope.SeesEvent };
        problem = "";
        var badType = types.FirstOrDefault(t => t.Contains('*', StringComparison.Ordinal) && (!t.EndsWith(".*", StringComparison.Ordinal) || t.IndexOf('*', StringComparison.Ordinal) != t.Length - 1));
        if (badType is not null)
        {
            problem = $"type '{badType}' is not an event type or a 'prefix.*' pattern";
            return false;
        }

        return true;
    }

    // Repeated parameters and comma-separated lists both work: ?type=run.*&type=webhook.received or ?type=run.*,webhook.received.
    private static IEnumerable<string> Values(StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal);

    private static bool TryReadResumePoint(HttpRequest request, out long? after, out string problem)
    {
        after = null;
        problem = "";
        var (name, text) = request.Headers["Last-Event-ID"] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header)
            ? ("Last-Event-ID", (string?)header.ToString())
            : request.Query["last_event_id"] is { Count: > 0 } last ? ("last_event_id", last.ToString())
            : request.Query["since"] is { Count: > 0 } since ? ("since", since.ToString())
            : ("", null);
        if (text is null)
        {
            return true;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            problem = $"{name} must be an event id (a whole number)";
            return false;
        }

        after = id;
        return true;
    }
}
