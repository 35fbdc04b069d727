using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Git;
using Syncplane.Connectors.Http;

namespace Syncplane.Connectors;

internal static class BuiltInConnectors
{
    public static IEnumerable<IConnectorFactory> All => [new DirectoryConnectorFactory(), new GitConnectorFactory(), new HttpConnectorFactory()];
}
