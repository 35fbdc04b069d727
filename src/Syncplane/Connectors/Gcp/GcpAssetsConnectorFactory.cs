using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Syncplane.Config;

namespace Syncplane.Connectors.Gcp;

/// <summary>
/// The <c>gcp_assets</c> connector: a source of Cloud Asset Inventory resources
/// (<c>source: { gcp_assets: { scope, asset_types, query, page_size, credentials, endpoint } }</c>), one record per resource.
/// </summary>
/// <remarks>
/// One <see cref="HttpClient"/> serves every run, as for the http source: pooled connections recycled every 5 minutes, no
/// redirects (the Authorization header must not go elsewhere), no cookies, 100 seconds for a page, 64 MiB at most.
/// Access tokens are cached per credential (the key's content, or application default credentials) for the process,
/// so runs share them until shortly before they expire (see <see cref="AccessTokenCache"/>).
/// </remarks>
internal sealed class GcpAssetsConnectorFactory : IConnectorFactory, IRecordSourceFactory
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
    })
    {
        Timeout = TimeSpan.FromSeconds(100),
        MaxResponseContentBufferSize = 64 << 20,
    };

    private readonly ConcurrentDictionary<(string Credential, TimeProvider Time), Lazy<Task<AccessTokenCache>>> _tokens = new();

    public string Type => ConnectorTypes.GcpAssets;

    public bool CanBeSource => true;

    public bool CanBeDestination => false;

    public object? Bind(ConfigNode options, ConfigReader reader) => GcpAssetsOptionsBinder.Bind(options, reader);

    public IItemSource CreateSource(object options, ConnectorContext context)
    {
        var gcp = (GcpAssetsOptions)options;
        return new GcpAssetsSource(gcp, context, new CloudAssetPages(Client, gcp, context.Time), ct => TokensAsync(gcp, context, ct));
    }

    public IItemDestination CreateDestination(object options, ConnectorContext context) =>
        throw new NotSupportedException("gcp_assets is a source only; write its records to a sql or directory destination");

    /// <summary>The token cache of the source's credential, created on first use; a key that cannot be read is retried next run.</summary>
    private async Task<AccessTokenCache> TokensAsync(GcpAssetsOptions options, ConnectorContext context, CancellationToken cancellationToken)
    {
        var key = options.Credentials is { } reference ? context.Secrets.Resolve(reference) : null;
        var id = key is null ? "adc" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var lazy = _tokens.GetOrAdd((id, context.Time), _ => new Lazy<Task<AccessTokenCache>>(() => CreateAsync(key, context, cancellationToken)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _tokens.TryRemove(new KeyValuePair<(string, TimeProvider), Lazy<Task<AccessTokenCache>>>((id, context.Time), lazy));
            throw;
        }
    }

    private static async Task<AccessTokenCache> CreateAsync(string? key, ConnectorContext context, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return new AccessTokenCache(await GoogleCredentials.ApplicationDefaultAsync(cancellationToken), "application default credentials", context.Time);
        }

        var credential = GoogleCredentials.FromKey(key, context.Time, out var tokenUri);
        return new AccessTokenCache(credential, tokenUri, context.Time);
    }
}
