using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Connectors.Gcp;

/// <summary>Reads and validates <see cref="GcpAssetsOptions"/>; the credentials reference is checked for syntax only.</summary>
internal static partial class GcpAssetsOptionsBinder
{
    /// <summary>The API caps a page at 500 results.</summary>
    public const int MaxPageSize = 500;

    private const string What = "the gcp_assets connector";

    public static GcpAssetsOptions? Bind(ConfigNode node, ConfigReader reader)
    {
        var errors = reader.Errors.Count;
        if (!reader.Mapping(node, What, "scope", "asset_types", "query", "page_size", "credentials", "endpoint"))
        {
            return null;
        }

        var scope = reader.Text(node, "scope", required: true);
        if (scope is not null && !ScopeRegex().IsMatch(scope))
        {
            reader.Error(node["scope"]!, $"'scope' must be organizations/NUMBER, folders/NUMBER or projects/ID (or projects/NUMBER), found '{scope}'");
        }

        var assetTypes = reader.StringList(node, "asset_types");
        if (assetTypes.Any(string.IsNullOrWhiteSpace))
        {
            reader.Error(node["asset_types"]!, "'asset_types' must list asset types or regular expressions such as compute.googleapis.com/Instance or compute.googleapis.com.*; an entry is empty");
        }

        var query = reader.Text(node, "query");
        var pageSize = reader.WholeNumber(node, "page_size", min: 1);
        if (pageSize > MaxPageSize)
        {
            reader.Error(node["page_size"]!, $"'page_size' must be at most {MaxPageSize} (the API's cap), found {pageSize}");
        }

        var credentials = Credentials(node, reader);
        var endpoint = Endpoint(node, reader);
        if (reader.Errors.Count > errors || scope is null)
        {
            return null;
        }

        return new GcpAssetsOptions(scope)
        {
            AssetTypes = assetTypes,
            Query = string.IsNullOrWhiteSpace(query) ? null : query,
            PageSize = (int?)pageSize,
            Credentials = credentials,
            Endpoint = endpoint ?? GcpAssetsOptions.DefaultEndpoint,
        };
    }

    private static string? Credentials(ConfigNode node, ConfigReader reader)
    {
        var value = reader.Text(node, "credentials");
        if (value is null)
        {
            return null;
        }

        if (SecretResolver.SyntaxError(value) is { } error)
        {
            reader.Error(node["credentials"]!, $"'credentials': {error}");
            return null;
        }

        if (!SecretResolver.HasReference(value))
        {
            reader.Error(node["credentials"]!, "'credentials' must be a secret reference to a service-account key, such as \"${file:secrets/gcp-sa.json}\"; keys are never written in syncplane.yaml");
            return null;
        }

        return value;
    }

    private static Uri? Endpoint(ConfigNode node, ConfigReader reader)
    {
        var text = reader.Text(node, "endpoint");
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || SecretResolver.HasReference(text)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            reader.Error(node["endpoint"]!, $"'endpoint' must be an http:// or https:// base URL without credentials or query, such as https://cloudasset.googleapis.com, found '{text}'");
            return null;
        }

        return uri;
    }

    // The API's own pattern is ^[^/]+/[^/]+$; only these three kinds of scope exist.
    [GeneratedRegex(@"^(organizations/[0-9]+|folders/[0-9]+|projects/[a-z0-9][a-z0-9.:-]*[a-z0-9])$")]
    private static partial Regex ScopeRegex();
}
