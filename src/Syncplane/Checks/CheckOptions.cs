namespace Syncplane.Checks;

/// <summary>Options of an <c>http</c> check.</summary>
public sealed record HttpCheckOptions(Uri Url)
{
    /// <value>GET</value>
    public string Method { get; init; } = "GET";

    /// <summary>Accepted status codes as inclusive ranges. <value>200-399</value></summary>
    public IReadOnlyList<(int From, int To)> ExpectedStatus { get; init; } = [(200, 399)];

    /// <summary>A substring the body must contain.</summary>
    public string? BodyContains { get; init; }

    /// <summary>A dotted path into a JSON body (<c>status.indicator</c>, <c>items.0.name</c>) that must exist.</summary>
    public string? JsonPath { get; init; }

    /// <summary>The value <see cref="JsonPath"/> must have (compared as text).</summary>
    public string? JsonValue { get; init; }

    /// <summary>Request headers; values may be secret references.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Accept a certificate that is not trusted (self-signed, wrong name), still reporting on it. <value>false</value></summary>
    public bool Insecure { get; init; }

    /// <summary>A PEM certificate to trust as the root for this check (a private CA or a self-signed server).</summary>
    public string? CaFile { get; init; }

    /// <summary>Degraded when the server certificate expires within this many days. <value>14</value></summary>
    public int CertExpiryDays { get; init; } = 14;
}

/// <summary>Options of a <c>dns</c> check: the name and, optionally, addresses it must resolve to.</summary>
public sealed record DnsCheckOptions(string HostName, IReadOnlyList<System.Net.IPAddress> Expect);

/// <summary>Options of a <c>tcp</c> check: <c>host:port</c>.</summary>
public sealed record TcpCheckOptions(string Host, int Port);

/// <summary>Options of a <c>git</c> check.</summary>
/// <param name="Path">The work tree, absolute.</param>
public sealed record GitCheckOptions(string Path)
{
    /// <value>origin</value>
    public string Remote { get; init; } = "origin";

    /// <summary>The branch to compare with; <value>null: the current branch</value>.</summary>
    public string? Branch { get; init; }

    /// <summary>Run <c>git fetch</c> first. <value>true</value></summary>
    public bool Fetch { get; init; } = true;

    /// <summary>Fast-forward when behind, on the branch and clean (never otherwise). <value>false</value></summary>
    public bool FastForward { get; init; }
}

/// <summary>Options of a <c>compose</c> check.</summary>
/// <param name="File">The compose file, absolute.</param>
public sealed record ComposeCheckOptions(string File)
{
    /// <summary>The docker program. <value>docker</value></summary>
    public string Docker { get; init; } = "docker";
}

/// <summary>Options of a <c>command</c> check.</summary>
/// <param name="Command">A shell command line, run by <c>/bin/sh -c</c>.</param>
/// <param name="WorkingDirectory">Where it runs, absolute.</param>
public sealed record CommandCheckOptions(string Command, string WorkingDirectory)
{
    /// <value>0</value>
    public int ExpectedExitCode { get; init; }

    /// <summary>A regular expression that stdout or stderr must match.</summary>
    public System.Text.RegularExpressions.Regex? OutputPattern { get; init; }
}

/// <summary>Options of a <c>cloud_run</c> check.</summary>
/// <param name="Service">The Cloud Run service name.</param>
/// <param name="WorkingDirectory">Where gcloud runs: the config's directory.</param>
public sealed record CloudRunCheckOptions(string Service, string WorkingDirectory)
{
    /// <summary>The region; <value>null: gcloud's run/region setting</value>.</summary>
    public string? Region { get; init; }

    /// <summary>The project; <value>null: gcloud's current project (<c>gcloud config get-value project</c>)</value>.</summary>
    public string? Project { get; init; }

    /// <summary>The gcloud program. <value>gcloud</value></summary>
    public string Gcloud { get; init; } = "gcloud";
}
