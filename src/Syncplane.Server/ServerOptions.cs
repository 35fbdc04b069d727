using Syncplane.Access;

namespace Syncplane.Server;

/// <summary>How the server listens and whom it lets in.</summary>
public sealed record ServerOptions
{
    /// <summary>The default address: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8470";

    /// <summary>Where to listen (ASP.NET Core URL list, separated by <c>;</c>). <value>http://127.0.0.1:8470</value></summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>The role of a request without a token; null requires a token on every API route. <value>null</value></summary>
    public ApiRole? AnonymousRole { get; init; }

    /// <summary>The largest request body accepted, in bytes; larger ones get 413. <value>1 MiB</value></summary>
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;
}
