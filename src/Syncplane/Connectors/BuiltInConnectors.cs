using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Gcp;
using Syncplane.Connectors.Git;
using Syncplane.Connectors.Http;
using Syncplane.Connectors.Sql;

namespace Syncplane.Connectors;

internal static class BuiltInConnectors
{
    public static IEnumerable<IConnectorFactory> All => [new DirectoryConnectorFactory(), new GcpAssetsConnectorFactory(), new GitConnectorFactory(), new HttpConnectorFactory(), new SqlConnectorFactory(), new Documents.DocumentConnectorFactory()];
}
