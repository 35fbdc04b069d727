namespace Syncplane.Connectors;

internal static class BuiltInConnectors
{
    public static IEnumerable<IConnectorFactory> All => [];
}
