using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Syncplane.Access;

namespace Syncplane.Server.Security;

/// <summary>The authorization policies: one per role, each admitting that role and the ones above it.</summary>
internal static class Policies
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    /// <summary>The claim that carries the caller's <see cref="ApiRole"/> as a number.</summary>
    public const string RoleClaim = "syncplane:role";

    public static IServiceCollection AddSyncplaneAuthorization(this IServiceCollection services) =>
        services.AddAuthorizationBuilder()
            .AddPolicy(Viewer, p => p.RequireAssertion(c => HasRole(c.User, ApiRole.Viewer)))
            .AddPolicy(Operator, p => p.RequireAssertion(c => HasRole(c.User, ApiRole.Operator)))
            .AddPolicy(Admin, p => p.RequireAssertion(c => HasRole(c.User, ApiRole.Admin)))
            .Services;

    public static bool HasRole(ClaimsPrincipal user, ApiRole role) =>
        user.FindFirst(RoleClaim) is { } claim && int.Parse(claim.Value, CultureInfo.InvariantCulture) >= (int)role;

    /// <summary>Who made the request, for the audit log: <c>token:NAME</c> or <c>anonymous</c>.</summary>
    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
