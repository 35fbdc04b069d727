using Microsoft.AspNetCore.Http;
using Syncplane.Server.Api;

namespace Syncplane.Server.Security;

/// <summary>
/// <c>?access_token=TOKEN</c> is honoured only where an endpoint carries this marker: the event stream, because a
/// browser's EventSource cannot send headers. Anywhere else a token in the URL is refused with 401, so clients
/// learn to send the header instead of leaving tokens in access logs, proxies and browser history.
/// </summary>
internal sealed class QueryTokens
{
    public const string Parameter = "access_token";

    /// <summary>The marker to put on an endpoint (<c>.WithMetadata(QueryTokens.Allowed)</c>).</summary>
    public static readonly QueryTokens Allowed = new();

    private QueryTokens()
    {
    }

    /// <summary>True when the matched endpoint accepts a token in the query string.</summary>
    public static bool AreAllowed(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<QueryTokens>() is not null;

    /// <summary>Middleware: refuses a request that carries <c>access_token</c> in the query of any other route.</summary>
    public static Task RefuseOutsideTheEventStream(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Query.ContainsKey(Parameter) || AreAllowed(http))
        {
            return next(http);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_request\"";
        return Problems.Write(http, StatusCodes.Status401Unauthorized, "Unauthorized",
            $"?{Parameter}= is accepted only by the event stream (GET /api/v1/events, for EventSource); send the token as 'Authorization: Bearer TOKEN' " +
            "instead (a token in a URL ends up in access logs and browser history)");
    }
}
