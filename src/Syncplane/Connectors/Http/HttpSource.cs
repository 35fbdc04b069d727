using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Connectors.Http;

/// <summary>
/// The http source: requests the first page (GET, or POST with a JSON body), takes the records at
/// <see cref="HttpSourceOptions.Records"/>, and asks for pages (see <see cref="HttpPaging"/>) until there is no next one.
/// Each page request takes one token from the target's budget. Every record is one item (see <see cref="RecordItems"/>),
/// held in memory for the run when the destination compares items (a directory); a record destination (sql) reads them
/// as a stream (<see cref="ReadAsync"/>).
/// </summary>
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

    /// <summary>
    /// The records page by page: the page being read is held in memory, and the next one is requested (and parsed) while
    /// its records are read, so the upstream's answer time overlaps the destination's work.
    /// </summary>
    public async IAsyncEnumerable<SourceRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var paging = new HttpPaging(options);
        var count = 0;
        var records = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = paging.First();
        Task<JsonPage>? next = FetchAsync(request, stop.Token);
        try
        {
            while (request is not null)
            {
                using var json = await next!;
                next = null;
                count++;
                PageRequest? following = null;
                ExceptionDispatchInfo? badPaging = null;
                try
                {
                    following = paging.Next(json.RootElement, request);
                }
                catch (InvalidDataException ex)
                {
                    badPaging = ExceptionDispatchInfo.Capture(ex); // raised after this page's records, as before the page ahead was asked for
                }

                next = following is null ? null : FetchAsync(following, stop.Token);
                var index = 0;
                var page = $"page {request.Number} ({request.Url})";
                foreach (var record in RecordPath.Select(json.RootElement, options.Records, request.ToString()))
                {
                    records++;
                    yield return new SourceRecord(record, page, ++index);
                }

                badPaging?.Throw();
                request = following;
            }
        }
        finally
        {
            if (next is not null)
            {
                // The reader stopped early (a failure, or a full plan): the page asked for ahead is not wanted.
                await stop.CancelAsync();
                _ = next.ContinueWith(
                    static t =>
                    {
                        if (t.IsCompletedSuccessfully)
                        {
                            t.Result.Dispose();
                        }
                        else
                        {
                            _ = t.Exception; // observed: its failure is no one's concern now
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default);
            }
        }

        context.Log.Info($"http source {options.Url}: {records} record(s) in {count} page(s)");
    }

    private async Task<JsonPage> FetchAsync(PageRequest request, CancellationToken cancellationToken)
    {
        await context.Budget.TakeAsync(cancellationToken);
        var body = options.Method == HttpMethod.Post ? RequestBody.Render(options.Body, context.Secrets, options.TokenParam, request.Token) : null;
        return await pages.SendAsync(request, options.Headers, body, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(_content.TryGetValue(item.Key, out var content)
            ? new MemoryStream(content, writable: false)
            : throw new KeyNotFoundException($"the http source has no record {item.Key} in this run's snapshot"));

    public string? TryGetLocalPath(Item item) => null;
}
