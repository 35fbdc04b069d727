using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Syncplane.Server.Api;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (the store answers and the event hub runs); both anonymous.</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> ReadyAsync(ServerContext context, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StoreTimeout);
        try
        {
            await context.Store.GetLastEventIdAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Results.Problem($"the store does not answer: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not Ready");
        }

        return context.Events.Started.IsCompletedSuccessfully
            ? Results.Ok(new { status = "ready" })
            : Results.Problem("the event hub has not started", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not Ready");
    }
}
