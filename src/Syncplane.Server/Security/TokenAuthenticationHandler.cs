using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syncplane.Access;
using Syncplane.Server.Api;

namespace Syncplane.Server.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer TOKEN</c> (or, on the event stream only, <c>?access_token=TOKEN</c>:
/// EventSource cannot set headers; see <see cref="QueryTokens"/>) against the hashes in the store, through <see cref="TokenCache"/>. Without a token
/// the request is anonymous, with the configured anonymous role if any; a wrong or revoked token fails.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenCache tokens, ServerOptions server)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SyncplaneToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken();
        if (token is null)
        {
            return server.AnonymousRole is { } anonymous ? Success("anonymous", anonymous, authenticated: false) : AuthenticateResult.NoResult();
        }

        var record = await tokens.FindAsync(ApiTokens.Hash(token), Context.RequestAborted);
        return record is null ? AuthenticateResult.Fail("the token is unknown or revoked") : Success("token:" + record.Name, record.Role, authenticated: true, record.Project);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Write(Context, 401, "Unauthorized", "this route needs an API token: send 'Authorization: Bearer TOKEN' (create one with 'syncplane token create')");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, 403, "Forbidden", "this token's role may not use this route");

    private string? ReadToken()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return QueryTokens.AreAllowed(Context) && Request.Query.TryGetValue(QueryTokens.Parameter, out var query) && query.Count == 1 ? query[0] : null;
    }

    private static AuthenticateResult Success(string name, ApiRole role, bool authenticated, string? project = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(Policies.RoleClaim, ((int)role).ToString(CultureInfo.InvariantCulture)) };
        if (project is not null)
        {
            claims.Add(new Claim(ProjectGate.ProjectClaim, project));
        }

        var identity = new ClaimsIdentity(claims, authenticated ? SchemeName : null, ClaimTypes.Name, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
