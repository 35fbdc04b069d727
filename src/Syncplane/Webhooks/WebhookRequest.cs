namespace Syncplane.Webhooks;

/// <summary>What the HTTP host hands over: the provider from the URL, headers, query and the raw body bytes.</summary>
public sealed class WebhookRequest
{
    public WebhookRequest(
        string provider,
        IEnumerable<KeyValuePair<string, string>> headers,
        IEnumerable<KeyValuePair<string, string>>? query,
        ReadOnlyMemory<byte> body)
    {
        Provider = provider;
        Headers = ToDictionary(headers, StringComparer.OrdinalIgnoreCase);
        Query = ToDictionary(query ?? [], StringComparer.Ordinal);
        Body = body;
    }

    /// <summary>The <c>{provider}</c> segment of the URL.</summary>
    public string Provider { get; }

    /// <summary>Headers by case-insensitive name (the first value wins when the host passes one twice).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Decoded query parameters. It may hold a token (<c>?token=</c>): the host must not log the query string.</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The body exactly as received: signatures are computed over these bytes.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    private static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, string>> pairs, StringComparer comparer)
    {
        var result = new Dictionary<string, string>(comparer);
        foreach (var (key, value) in pairs)
        {
            result.TryAdd(key, value);
        }

        return result;
    }
}
