using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Syncplane.Server.Security;

/// <summary>What a route's project scoping is: every authorized route declares one (a test enforces it), and a route that declares none refuses project tokens.</summary>
internal enum ScopingKind
{
    /// <summary>The route returns a listing or summary that its handler filters by the caller's <see cref="Projects.ProjectScope"/>.</summary>
    Filtered,

    /// <summary>The route names one object in its path; <see cref="ProjectGate"/> answers 404 for an object of another project.</summary>
    Object,

    /// <summary>The route covers every project (<c>/metrics</c>): project tokens get 403.</summary>
    GlobalOnly,
}

/// <summary>The kinds of object a route can name, each with the project it belongs to.</summary>
internal enum ScopedObject
{
    Target,
    Check,
    Document,
    Run,
    Alert,
}

/// <summary>Endpoint metadata: how <see cref="ProjectGate"/> treats a project token on this route.</summary>
internal sealed record ProjectScoping(ScopingKind Kind, ScopedObject Object = default, string Parameter = "", Func<HttpContext, string, IResult>? NotFound = null)
{
    public static readonly ProjectScoping Filtered = new(ScopingKind.Filtered);

    public static readonly ProjectScoping GlobalOnly = new(ScopingKind.GlobalOnly);
}

internal static class ProjectScopingExtensions
{
    /// <summary>The handler filters what it returns by the caller's project.</summary>
    public static TBuilder ScopeFiltered<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ProjectScoping.Filtered);

    /// <summary>
    /// The route names an object in route value <paramref name="parameter"/>; for an object of another project a project token
    /// gets <paramref name="notFound"/>, the very answer the handler gives for a name that does not exist.
    /// </summary>
    public static TBuilder ScopedTo<TBuilder>(this TBuilder builder, ScopedObject kind, string parameter, Func<HttpContext, string, IResult> notFound)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProjectScoping(ScopingKind.Object, kind, parameter, notFound));

    /// <summary>Only global tokens may use the route.</summary>
    public static TBuilder GlobalOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ProjectScoping.GlobalOnly);
}
