using Syncplane.Config;

namespace Syncplane.Connectors.Http;

/// <summary>
/// The <c>http</c> connector: a source that reads JSON records from a paginated HTTP API
/// (<c>source: { http: { url, headers, records, key, next } }</c>), one item per record.
/// </summary>
/// <remarks>
/// One <see cref="HttpClient"/> serves every run (connections are pooled and recycled every 5 minutes so DNS
/// changes are seen). A request must answer within <see cref="RequestTimeout"/>; the run's own timeout and
/// cancellation bound the rest. Redirects are not followed (headers with credentials must not go to another
/// address) and cookies are not kept.
/// </remarks>
internal sealed class HttpConnectorFactory : IConnectorFactory, IRecordSourceFactory
{
    /// <summary>Longest wait for a page's response headers. <value>100 seconds</value></summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
    })
    {
        Timeout = RequestTimeout,
    };

    public string Type => ConnectorTypes.Http;

    public bool CanBeSource => true;

    public bool CanBeDestination => false;

    public object? Bind(ConfigNode options, ConfigReader reader) => HttpSourceOptionsBinder.Bind(options, reader);

    public IItemSource CreateSource(object options, ConnectorContext context) =>
        new HttpSource((HttpSourceOptions)options, context, new HttpPageReader(Client, context.Secrets, context.Time));

    public IItemDestination CreateDestination(object options, ConnectorContext context) =>
        throw new NotSupportedException("http is a source only; write its records to a directory destination");
}
