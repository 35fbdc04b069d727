namespace Syncplane.Connectors.Gcp;

/// <summary>Options of the <c>gcp_assets</c> source connector (Cloud Asset Inventory <c>searchAllResources</c>).</summary>
/// <param name="Scope">Where to search: <c>organizations/NUMBER</c>, <c>folders/NUMBER</c> or <c>projects/ID-OR-NUMBER</c>.</param>
internal sealed record GcpAssetsOptions(string Scope)
{
    /// <summary>The API the source calls. <value>https://cloudasset.googleapis.com</value></summary>
    public static readonly Uri DefaultEndpoint = new("https://cloudasset.googleapis.com");

    /// <summary>Asset types to search for, sent as <c>assetTypes</c>; RE2 regular expressions are allowed, as the API allows. <value>every searchable type</value></summary>
    public IReadOnlyList<string> AssetTypes { get; init; } = [];

    /// <summary>The API's query statement (<c>state:ACTIVE</c>); null for every resource in the scope.</summary>
    public string? Query { get; init; }

    /// <summary>Results per page, 1 to 500 (the API's cap); null lets the API choose.</summary>
    public int? PageSize { get; init; }

    /// <summary>A secret reference to a service-account key (JSON); null for application default credentials or the metadata server.</summary>
    public string? Credentials { get; init; }

    /// <summary>The API's base URL (a test server, a private endpoint). <value><see cref="DefaultEndpoint"/></value></summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;
}
