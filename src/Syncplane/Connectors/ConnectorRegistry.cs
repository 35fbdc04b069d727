namespace Syncplane.Connectors;

/// <summary>Connector factories by type name (case-insensitive); a duplicate name is a programming error.</summary>
public sealed class ConnectorRegistry
{
    private readonly Dictionary<string, IConnectorFactory> _factories = new(StringComparer.OrdinalIgnoreCase);

    public ConnectorRegistry(IEnumerable<IConnectorFactory> factories)
    {
        foreach (var factory in factories)
        {
            if (!_factories.TryAdd(factory.Type, factory))
            {
                throw new InvalidOperationException($"two connector factories are registered as '{factory.Type}'");
            }
        }
    }

    /// <summary>The built-in connectors.</summary>
    public static ConnectorRegistry Default { get; } = new(BuiltInConnectors.All);

    public IEnumerable<string> Types => _factories.Keys.Order(StringComparer.Ordinal);

    public IConnectorFactory? Find(string type) => _factories.GetValueOrDefault(type);
}
