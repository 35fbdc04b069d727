using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /api/v1/runs/{id}/log</c>: the lines so far as a JSON array; with <c>?follow=true</c>, NDJSON
/// (<c>application/x-ndjson</c>, one line object per line) that stays open while the run is queued or running,
/// polling the store every 200 ms, and ends once the run has finished and its last lines are sent.
/// </summary>
internal static class RunLogEndpoint
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<IResult> GetAsync(ServerContext context, HttpContext http, IOptions<JsonOptions> json, long id, bool? follow, CancellationToken cancellationToken)
    {
        if (await context.Store.GetRunAsync(id, cancellationToken) is not { } run)
        {
            return RunsEndpoints.UnknownRun(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (follow != true)
        {
            return Results.Ok((await context.Store.GetLogAsync(id, cancellationToken)).Select(RunView.Of));
        }

        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.CacheControl = "no-cache";
        var options = json.Value.SerializerOptions;
        var sent = 0;
        var finished = !RunView.IsActive(run.Status);
        while (true)
        {
            var lines = await context.Store.GetLogAsync(id, cancellationToken);
            foreach (var line in lines.Skip(sent))
            {
                await http.Response.WriteAsync(JsonSerializer.Serialize(RunView.Of(line), options) + "\n", cancellationToken);
            }

            sent = lines.Count;
            await http.Response.Body.FlushAsync(cancellationToken);
            if (finished)
            {
                return Results.Empty;
            }

            await Task.Delay(PollInterval, cancellationToken);

            // Read the status before the next read of the log, so lines written just before the run ended are still sent.
            finished = await context.Store.GetRunAsync(id, cancellationToken) is not { } now || !RunView.IsActive(now.Status);
        }
    }
}
