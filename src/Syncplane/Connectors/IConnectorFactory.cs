using Syncplane.Config;

namespace Syncplane.Connectors;

/// <summary>
/// A connector type that configs name (<c>source: { directory: {...} }</c>). <see cref="Bind"/> is the
/// whole validation: <c>syncplane validate</c> and the engine run the same code.
/// </summary>
public interface IConnectorFactory
{
    /// <summary>The name used in config; one of <see cref="ConnectorTypes"/>.</summary>
    string Type { get; }

    bool CanBeSource { get; }

    bool CanBeDestination { get; }

    /// <summary>Reads and validates the options; reports problems to <paramref name="reader"/> and returns null on error.</summary>
    object? Bind(ConfigNode options, ConfigReader reader);

    IItemSource CreateSource(object options, ConnectorContext context);

    IItemDestination CreateDestination(object options, ConnectorContext context);
}

/// <summary>Built-in connector type names.</summary>
public static class ConnectorTypes
{
    public const string Directory = "directory";
    public const string GcpAssets = "gcp_assets";
    public const string Git = "git";
    public const string Http = "http";
    public const string Sql = "sql";
    public const string Document = "document";
}
