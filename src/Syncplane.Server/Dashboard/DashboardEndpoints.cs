using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Syncplane.Server.Dashboard;

/// <summary>
/// The dashboard: the static files under <c>Dashboard/wwwroot</c> (an HTML page, a stylesheet, ES modules),
/// embedded in this assembly and served at <c>/</c>. They are public; the data they show comes from the API,
/// with the token the user enters in the page.
/// </summary>
internal static class DashboardEndpoints
{
    private const string Prefix = "Syncplane.Dashboard/";

    /// <summary>Scripts and styles only from this server; no inline code, no framing, no third-party requests.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            // Windows builds name nested files with '\'; the URL always uses '/'.
            var file = resource[Prefix.Length..].Replace('\\', '/');
            var contentType = ContentTypes[Path.GetExtension(file)];
            var content = Read(resource);
            string[] paths = file == "index.html" ? ["/", "/index.html"] : ["/" + file];
            foreach (var path in paths)
            {
                app.MapGet(path, (HttpContext http) =>
                {
                    var headers = http.Response.Headers;
                    headers.CacheControl = "no-cache";
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers["Referrer-Policy"] = "no-referrer";
                    return Results.Bytes(content, contentType);
                }).AllowAnonymous().ExcludeFromDescription();
            }
        }
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the dashboard file '{name}' is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
