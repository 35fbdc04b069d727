using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
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
    /// <summary>Pages requested and parsed ahead of the one being read, besides the one on its way.</summary>
    internal const int PagesAhead = 1;

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
    /// The records page by page: the page being read is held in memory while the pages after it are requested and parsed
    /// (<see cref="PagesAhead"/> waiting, one more on its way), so the upstream's answer time and the parsing overlap the
    /// destination's work.
    /// </summary>
    public async IAsyncEnumerable<SourceRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = 0;
        var records = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pages = Channel.CreateBounded<(PageRequest Request, JsonPage Json)>(new BoundedChannelOptions(PagesAhead) { SingleReader = true, SingleWriter = true });
        var fetching = Task.Run(() => FetchAllAsync(pages.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var (request, json) in pages.Reader.ReadAllAsync(cancellationToken))
            {
                using (json)
                {
                    count++;
                    var index = 0;
                    var page = $"page {request.Number} ({request.Url})";
                    foreach (var record in RecordPath.Select(json.RootElement, options.Records, request.ToString()))
                    {
                        records++;
                        yield return new SourceRecord(record, page, ++index);
                    }
                }
            }

            await fetching; // the failure that ended the pages, raised after the records before it
        }
        finally
        {
            // The reader stopped early (a failure, or a full plan): the pages asked for ahead are not wanted.
            await stop.CancelAsync();
            await fetching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            while (pages.Reader.TryRead(out var unread))
            {
                unread.Json.Dispose();
            }
        }

        context.Log.Info($"http source {options.Url}: {records} record(s) in {count} page(s)");
    }

    /// <summary>Requests and parses the pages in turn until there is no next one, handing each on; a failure ends them.</summary>
    private async Task FetchAllAsync(ChannelWriter<(PageRequest Request, JsonPage Json)> pages, CancellationToken ct)
    {
        try
        {
            var paging = new HttpPaging(options);
            for (var request = paging.First(); request is not null;)
            {
                var json = await FetchAsync(request, ct);
                PageRequest? following = null;
                ExceptionDispatchInfo? badPaging = null;
                try
                {
                    following = paging.Next(json.RootElement, request);
                }
                catch (InvalidDataException ex)
                {
                    badPaging = ExceptionDispatchInfo.Capture(ex); // raised after this page's records
                }

                try
                {
                    await pages.WriteAsync((request, json), ct);
                }
                catch
                {
                    json.Dispose();
                    throw;
                }

                badPaging?.Throw();
                request = following;
            }
        }
        finally
        {
            pages.Complete();
        }
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
