using System.Collections.Concurrent;
using System.Text.Json;
using Syncplane.Documents;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>
/// The rendered body of each document at its latest version, so a document is rendered once per change on each node
/// rather than once per request. A version is its ETag: the store gives a new one with every change.
/// </summary>
internal sealed class DocumentCache
{
    /// <summary>The API's JSON spelling (snake_case, UTC timestamps).</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly ConcurrentDictionary<string, (string ETag, byte[] Body)> _bodies = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(DocumentTarget declared, StoredDocument stored, ISyncStore store, CancellationToken cancellationToken)
    {
        if (_bodies.TryGetValue(declared.Name, out var cached) && cached.ETag == stored.ETag)
        {
            return cached.Body;
        }

        // Records and version are read apart: a change between the two reads only makes this body newer than its
        // ETag says, and the next request after that change renders again.
        var records = await store.GetDocumentRecordsAsync(declared.Name, cancellationToken);
        var body = DocumentRenderer.Render(stored, records, declared.Options.GroupNames);
        _bodies[declared.Name] = (stored.ETag, body);
        return body;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions();
        SyncplaneServer.ConfigureJson(json);
        return json;
    }
}
