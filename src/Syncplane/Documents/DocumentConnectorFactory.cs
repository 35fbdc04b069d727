using Syncplane.Config;
using Syncplane.Connectors;

namespace Syncplane.Documents;

/// <summary>
/// The <c>document</c> connector: a destination that keeps a target's records as one JSON document in the store
/// (served by every node at <c>/api/v1/documents/{name}</c>, kept across restarts), grouped by a record field.
/// </summary>
internal sealed class DocumentConnectorFactory : IConnectorFactory, IRecordDestinationFactory
{
    public string Type => ConnectorTypes.Document;

    public bool CanBeSource => false;

    public bool CanBeDestination => true;

    public object? Bind(ConfigNode options, ConfigReader reader) => DocumentOptionsBinder.Bind(options, reader);

    public IItemSource CreateSource(object options, ConnectorContext context) =>
        throw new NotSupportedException("document is a destination only");

    public IItemDestination CreateDestination(object options, ConnectorContext context) =>
        throw new NotSupportedException("the document destination stores records; its source must be one that reads records");

    public IRecordDestination CreateRecordDestination(object options, ConnectorContext context) =>
        new DocumentDestination((DocumentOptions)options, context);
}

/// <summary>The document destination of one run.</summary>
internal sealed class DocumentDestination(DocumentOptions options, ConnectorContext context) : IRecordDestination
{
    public async Task<IRecordRun> OpenAsync(IReadOnlyList<string> key, bool write, CancellationToken cancellationToken)
    {
        var store = context.Store ?? throw new InvalidOperationException("the document destination needs the store, which this run was not given");
        var name = options.Name ?? context.TargetName;
        var stored = await store.GetDocumentRecordHashesAsync(name, cancellationToken);
        var file = options.Path is null ? null : Path.GetFullPath(options.Path, context.BaseDirectory);
        return new DocumentRecordRun(store, options, new DocumentTarget(name, context.TargetName, options), key, write, stored, file, context.Log);
    }
}
