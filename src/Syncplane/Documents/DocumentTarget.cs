using Syncplane.Config;
using Syncplane.Connectors;

namespace Syncplane.Documents;

/// <summary>A document and the target that feeds it.</summary>
internal sealed record DocumentTarget(string Name, string Target, DocumentOptions Options)
{
    /// <summary>Every document the config declares (targets with a <c>document</c> destination), in file order.</summary>
    public static IReadOnlyList<DocumentTarget> All(SyncplaneConfig config) =>
        [.. config.Targets.Where(t => t.Destination is { Type: ConnectorTypes.Document }).Select(Of)];

    public static DocumentTarget? Find(SyncplaneConfig config, string name) =>
        All(config).FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

    public static DocumentTarget? ForTarget(TargetConfig target) =>
        target.Destination is { Type: ConnectorTypes.Document } ? Of(target) : null;

    private static DocumentTarget Of(TargetConfig target)
    {
        var options = (DocumentOptions)target.Destination!.Options;
        return new DocumentTarget(options.Name ?? target.Name, target.Name, options);
    }
}
