using System.Runtime.CompilerServices;
using System.Text.Json;
using Syncplane.Checks;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Http;

/// <summary>
/// The http source: GETs the first page, takes the records at <see cref="HttpSourceOptions.Records"/>, and follows
/// <see cref="HttpSourceOptions.Next"/> until it is null, empty or absent. Each page request takes one token from
/// the target's budget. Every record is one item (see <see cref="RecordItems"/>), held in memory for the run when the
/// destination compares items (a directory); a record destination (sql) reads them as a stream (<see cref="ReadAsync"/>).
/// </summary>
/// <remarks>
/// A next page must be on the same scheme, host and port as <c>url</c>: the headers (with their credentials)
/// go only where the config says. A next URL already read ends the run with an error instead of looping.
/// </remarks>
internal sealed class HttpSource(HttpSourceOptions options, ConnectorContext context, HttpPageReader pages) : IItemSource, IRecordSource
{
    private readonly Dictionary<string, byte[]> _content = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Key => options.Key;

    public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        _content.Clear();
        var items = new List<Item>();
        await foreach (var (record, where) in ReadAsync(cancellationToken))
        {
            var key = RecordItems.KeyOf(record, options.Key, where);
            var content = RecordItems.Canonical(record);
            if (!_content.TryAdd(key, content))
            {
                throw new InvalidDataException($"{where} has the key {key}, like an earlier record; 'key' must name fields that identify one record");
            }

            items.Add(RecordItems.ItemFor(key, content));
        }

        return new Snapshot(items);
    }

    /// <summary>The records page by page: only the page being read is held in memory.</summary>
    public async IAsyncEnumerable<SourceRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        var page = 0;
        var records = 0;
        for (Uri? url = options.Url; url is not null; page++)
        {
            if (!read.Add(url.AbsoluteUri))
            {
                throw new InvalidDataException($"pagination loops: page {page + 1} is {url} again; check 'next'");
            }

            await context.Budget.TakeAsync(cancellationToken);
            using var json = await pages.GetAsync(url, options.Headers, cancellationToken);
            var index = 0;
            foreach (var record in RecordsOf(json.RootElement, url))
            {
                records++;
                yield return new SourceRecord(record, $"record {++index} of page {page + 1} ({url})");
            }

            url = NextOf(json.RootElement, url);
        }

        context.Log.Info($"http source {options.Url}: {records} record(s) in {page} page(s)");
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(_content.TryGetValue(item.Key, out var content)
            ? new MemoryStream(content, writable: false)
            : throw new KeyNotFoundException($"the http source has no record {item.Key} in this run's snapshot"));

    public string? TryGetLocalPath(Item item) => null;

    private JsonElement.ArrayEnumerator RecordsOf(JsonElement page, Uri url)
    {
        var records = page;
        if (options.Records is { } path && !JsonPath.TryFind(page, path, out records))
        {
            throw new InvalidDataException($"GET {url} returned JSON without '{path}' ('records')");
        }

        return records.ValueKind == JsonValueKind.Array
            ? records.EnumerateArray()
            : throw new InvalidDataException($"GET {url}: '{options.Records ?? "the response"}' is {records.ValueKind.ToString().ToLowerInvariant()}, not an array of records");
    }

    private Uri? NextOf(JsonElement page, Uri url)
    {
        if (options.Next is not { } path || !JsonPath.TryFind(page, path, out var next) || next.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = next.ValueKind == JsonValueKind.String
            ? next.GetString()
            : throw new InvalidDataException($"GET {url}: '{path}' ('next') is {next.ValueKind.ToString().ToLowerInvariant()}, not a URL");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!Uri.TryCreate(url, text, out var resolved) || resolved.Scheme is not ("http" or "https"))
        {
            throw new InvalidDataException($"GET {url}: '{path}' ('next') is '{text}', not an http(s) URL");
        }

        if (resolved.Scheme != options.Url.Scheme || resolved.IdnHost != options.Url.IdnHost || resolved.Port != options.Url.Port)
        {
            throw new InvalidDataException($"GET {url}: the next page {resolved.GetLeftPart(UriPartial.Path)} is on another host than 'url'; its headers are not sent there");
        }

        return resolved;
    }
}
