using System.Runtime.CompilerServices;
using System.Text.Json;
using Syncplane.Connectors.Http;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Gcp;

/// <summary>
/// The gcp_assets source: pages through <c>searchAllResources</c> over the scope, one token of the target's budget per
/// request, and yields every <c>ResourceSearchResult</c> as a record keyed by its full resource <c>name</c>, with its fields
/// as the API sends them. A 401 renews the access token and asks for the same page once more.
/// </summary>
/// <remarks>
/// Into a record destination (sql) the records stream page by page. Into a directory each record is one file: its name
/// without the leading <c>//</c>, plus <c>.json</c> (<c>compute.googleapis.com/projects/p/zones/z/instances/vm-1.json</c>),
/// holding the record as canonical JSON (see <see cref="RecordItems"/>).
/// </remarks>
internal sealed class GcpAssetsSource(GcpAssetsOptions options, ConnectorContext context, CloudAssetPages pages, Func<CancellationToken, Task<AccessTokenCache>> tokens)
    : IItemSource, IRecordSource
{
    /// <summary>The field that identifies a resource.</summary>
    public const string NameField = "name";

    private readonly Dictionary<string, byte[]> _content = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Key { get; } = [NameField];

    private string What => $"gcp_assets {options.Scope}";

    public async IAsyncEnumerable<SourceRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cache = await tokens(cancellationToken);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        string? pageToken = null;
        var number = 0;
        var records = 0;
        do
        {
            number++;
            var page = $"{What}: searchAllResources page {number}";
            using var json = await GetPageAsync(cache, pages.Url(pageToken), page, cancellationToken);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{page} returned {root.ValueKind.ToString().ToLowerInvariant()}, not a SearchAllResourcesResponse object");
            }

            // The API leaves out an empty list: a page (or a scope) without matches has no 'results'.
            if (root.TryGetProperty("results", out var results) && results.ValueKind != JsonValueKind.Null)
            {
                if (results.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"{page}: 'results' is {results.ValueKind.ToString().ToLowerInvariant()}, not a list");
                }

                var index = 0;
                foreach (var result in results.EnumerateArray())
                {
                    var where = $"result {++index} of {page}";
                    NameOf(result, where);
                    records++;
                    yield return new SourceRecord(result, where);
                }
            }

            pageToken = root.TryGetProperty("nextPageToken", out var next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } t ? t : null;
            if (pageToken is not null && !sent.Add(pageToken))
            {
                throw new InvalidDataException($"pagination loops: {page} answered a nextPageToken an earlier page answered");
            }
        }
        while (pageToken is not null);

        context.Log.Info($"{What}: {records} resource(s) in {number} page(s)");
    }

    public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        _content.Clear();
        var items = new List<Item>();
        await foreach (var (record, where) in ReadAsync(cancellationToken))
        {
            var key = ItemKey(NameOf(record, where), where);
            var content = RecordItems.Canonical(record);
            if (!_content.TryAdd(key, content))
            {
                throw new InvalidDataException($"{where} is {NameOf(record, where)} again; a resource name must appear once");
            }

            items.Add(RecordItems.ItemFor(key, content));
        }

        return new Snapshot(items);
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(_content.TryGetValue(item.Key, out var content)
            ? new MemoryStream(content, writable: false)
            : throw new KeyNotFoundException($"the gcp_assets source has no resource {item.Key} in this run's snapshot"));

    public string? TryGetLocalPath(Item item) => null;

    /// <summary>The file a resource is kept in: its full name without the leading <c>//</c>, plus <c>.json</c>.</summary>
    internal static string ItemKey(string name, string where)
    {
        var path = name.StartsWith("//", StringComparison.Ordinal) ? name[2..] : name;
        var segments = path.Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or ".." || s.Any(c => c == '\\' || char.IsControl(c))))
        {
            throw new InvalidDataException($"{where}: the name '{name}' cannot name a file (an empty, '.' or '..' segment, a '\\' or a control character)");
        }

        return path + ".json";
    }

    private static string NameOf(JsonElement result, string where) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty(NameField, out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"{where} is not a resource with a 'name'");

    private async Task<JsonDocument> GetPageAsync(AccessTokenCache cache, Uri url, string page, CancellationToken cancellationToken)
    {
        // The budget first: a wait for it may be long, and the access token is taken fresh after it.
        await context.Budget.TakeAsync(cancellationToken);
        var token = await TokenAsync(cache, cache.GetAsync(cancellationToken));
        if (await pages.GetAsync(url, token.Value, page, cancellationToken) is { } json)
        {
            return json;
        }

        // Expired early or revoked: one fresh token, one more try (a call of its own, so it takes a token too).
        context.Log.Info($"{page}: the access token was refused (401); getting a fresh one from {cache.Issuer} and asking again");
        await context.Budget.TakeAsync(cancellationToken);
        token = await TokenAsync(cache, cache.RenewAsync(token.Value, cancellationToken));
        return await pages.GetAsync(url, token.Value, page, cancellationToken) ?? throw CloudAssetPages.Unauthorized(page);
    }

    private async Task<AccessToken> TokenAsync(AccessTokenCache cache, Task<AccessToken> get)
    {
        AccessToken token;
        try
        {
            token = await get;
        }
        catch (HttpRequestException ex)
        {
            throw new HttpRequestException($"{What}: {ex.Message}", ex, ex.StatusCode);
        }

        // Learned by the masker, so that not even a stray message could show it.
        context.Secrets.Mask(token.Value);
        if (token.Fresh)
        {
            var valid = token.ExpiresIn is { } e ? $", valid for {Config.DurationParser.Format(e)}" : "";
            context.Log.Info($"{What}: new access token from {cache.Issuer}{valid}");
        }

        return token;
    }
}
