namespace Syncplane.Connectors.Http;

/// <summary>One page's request: its number (from 1), method, URL, and the page token it carries (null on the first page).</summary>
internal sealed record PageRequest(int Number, HttpMethod Method, Uri Url, string? Token = null)
{
    /// <summary>"GET URL" for the first page, "POST URL (page 3)" after, as messages name a page.</summary>
    public override string ToString() => Number == 1 ? $"{Method} {Url}" : $"{Method} {Url} (page {Number})";
}
