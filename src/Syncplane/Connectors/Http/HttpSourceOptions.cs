using System.Text.Json.Nodes;

namespace Syncplane.Connectors.Http;

/// <summary>Options of the <c>http</c> source connector.</summary>
/// <param name="Url">The first page; http or https, without secret references (it is logged and stored).</param>
/// <param name="Key">The record fields (dotted paths such as <c>campaign.id</c>) whose values, joined with '/', name a record's item (<c>KEY1/KEY2.json</c>).</param>
internal sealed record HttpSourceOptions(Uri Url, IReadOnlyList<string> Key)
{
    /// <summary>GET or POST. <value>GET</value></summary>
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    /// <summary>The JSON object a POST sends (string values may hold secret references, resolved for each request); null for none.</summary>
    public JsonObject? Body { get; init; }

    /// <summary>Request headers; values may hold secret references, resolved for each request and never logged.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Dotted path to the records in each page (<c>data</c>; through arrays: <c>results</c> of every batch); null when the page itself is the array.</summary>
    public string? Records { get; init; }

    /// <summary>Dotted path to the next page's URL (<c>paging.next</c>); null for a single page. Pages end where it is null, empty or absent.</summary>
    public string? Next { get; init; }

    /// <summary>Dotted path to the next page's token (<c>nextPageToken</c>); pages end where it is null, empty or absent.</summary>
    public string? NextToken { get; init; }

    /// <summary>Where the token goes in the next request: a query parameter of a GET, a top-level field of a POST's body (<c>pageToken</c>).</summary>
    public string? TokenParam { get; init; }
}
