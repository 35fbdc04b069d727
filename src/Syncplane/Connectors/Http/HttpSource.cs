using System.Text.Json;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Http;

/// <summary>
/// The http source: requests the first page (GET, or POST with a JSON body), takes the records at
/// <see cref="HttpSourceOptions.Records"/>, and asks for pages (see <see cref="HttpPaging"/>) until there is no next one.
/// Each page request takes one token from the target's budget. Every record is one item (see <see cref="RecordItems"/>),
/// held in memory for the run.
/// </summary>
internal sealed class HttpSource(HttpSourceOptions options, ConnectorContext context, HttpPageReader pages) : IItemSource
{
    private readonly Dictionary<string, byte[]> _content = new(StringComparer.Ordinal);

    public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        _content.Clear();
        var items = new List<Item>();
        var paging = new HttpPaging(options);
        var count = 0;
        for (var request = paging.First(); request is not null; count++)
        {
            await context.Budget.TakeAsync(cancellationToken);
            var body = options.Method == HttpMethod.Post ? RequestBody.Render(options.Body, context.Secrets, options.TokenParam, request.Token) : null;
            using var json = await pages.SendAsync(request, options.Headers, body, cancellationToken);
            foreach (var (record, index) in RecordPath.Select(json.RootElement, options.Records, request.ToString()).Select((r, i) => (r, i)))
            {
                var where = $"record {index + 1} of page {request.Number} ({request.Url})";
                var key = RecordItems.KeyOf(record, options.Key, where);
                var content = RecordItems.Canonical(record);
                if (!_content.TryAdd(key, content))
                {
                    throw new InvalidDataException($"{where} has the key {key}, like an earlier record; 'key' must name fields that identify one record");
                }

                items.Add(RecordItems.ItemFor(key, content));
            }

            request = paging.Next(json.RootElement, request);
        }

        context.Log.Info($"http source {options.Url}: {items.Count} record(s) in {count} page(s)");
        return new Snapshot(items);
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(_content.TryGetValue(item.Key, out var content)
            ? new MemoryStream(content, writable: false)
            : throw new KeyNotFoundException($"the http source has no record {item.Key} in this run's snapshot"));

    public string? TryGetLocalPath(Item item) => null;
}
