namespace Syncplane.Connectors.Http;

/// <summary>Options of the <c>http</c> source connector.</summary>
/// <param name="Url">The first page; http or https, without secret references (it is logged and stored).</param>
/// <param name="Key">The record fields whose values, joined with '/', name a record's item (<c>KEY1/KEY2.json</c>).</param>
internal sealed record HttpSourceOptions(Uri Url, IReadOnlyList<string> Key)
{
    /// <summary>Request headers; values may hold secret references, resolved for each request and never logged.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Dotted path to the array of records in each page (<c>data</c>); null when the page itself is the array.</summary>
    public string? Records { get; init; }

    /// <summary>Dotted path to the next page's URL (<c>paging.next</c>); null for a single page. Pages end where it is null, empty or absent.</summary>
    public string? Next { get; init; }
}
