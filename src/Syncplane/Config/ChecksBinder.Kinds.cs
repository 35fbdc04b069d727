using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Syncplane.Checks;

namespace Syncplane.Config;

internal sealed partial class ChecksBinder
{
    /// <summary>The option the short form's scalar stands for (<c>http: "https://…"</c> is <c>url</c>).</summary>
    private static string MainKey(string kind) => kind switch
    {
        CheckKinds.Http => "url",
        CheckKinds.Dns => "name",
        CheckKinds.Tcp => "address",
        CheckKinds.Git => "path",
        CheckKinds.Compose => "file",
        CheckKinds.CloudRun => "service",
        _ => "run",
    };

    private static string[] KindKeys(string kind) => kind switch
    {
        CheckKinds.Http => ["url", "method", "expected_status", "body_contains", "json_path", "json_value", "headers", "insecure", "ca_file", "cert_expiry_days"],
        CheckKinds.Dns => ["name", "expect"],
        CheckKinds.Tcp => ["address"],
        CheckKinds.Git => ["path", "remote", "branch", "fetch", "fast_forward"],
        CheckKinds.Compose => ["file", "docker"],
        CheckKinds.CloudRun => ["service", "region", "project", "gcloud"],
        _ => ["run", "expected_exit_code", "output_pattern", "working_dir"],
    };

    private object? BindOptions(string kind, string name, ConfigNode node) => kind switch
    {
        CheckKinds.Http => Http(name, node),
        CheckKinds.Dns => Dns(node),
        CheckKinds.Tcp => Tcp(node),
        CheckKinds.Git => new GitCheckOptions(Path.GetFullPath(reader.Text(node, "path") ?? ".", baseDirectory))
        {
            Remote = reader.Text(node, "remote") ?? "origin",
            Branch = reader.Text(node, "branch"),
            Fetch = reader.Bool(node, "fetch") ?? true,
            FastForward = reader.Bool(node, "fast_forward") ?? false,
        },
        CheckKinds.Compose => new ComposeCheckOptions(Path.GetFullPath(reader.Text(node, "file") ?? "docker-compose.yml", baseDirectory))
        {
            Docker = Program(reader.Text(node, "docker") ?? "docker"),
        },
        CheckKinds.CloudRun => reader.Text(node, "service", required: true) is { } service
            ? new CloudRunCheckOptions(service, baseDirectory)
            {
                Region = reader.Text(node, "region"),
                Project = reader.Text(node, "project"),
                Gcloud = Program(reader.Text(node, "gcloud") ?? "gcloud"),
            }
            : null,
        _ => Command(node),
    };

    // A program given as a path is relative to the config file, like every path in it; a bare name is looked up on PATH.
    private string Program(string program) =>
        program.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(program, baseDirectory) : program;

    private HttpCheckOptions? Http(string name, ConfigNode node)
    {
        var text = reader.Text(node, "url", required: true);
        Uri? url = null;
        if (text is not null && (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
        {
            reader.Error(node["url"]!, $"check '{name}': '{text}' is not an absolute http:// or https:// URL");
            url = null;
        }
        else if (text is not null && SecretResolver.HasReference(text))
        {
            reader.Error(node["url"]!, $"check '{name}': the url may not contain secret references (it is printed and stored); put credentials in 'headers'");
            url = null;
        }

        var method = reader.Text(node, "method") ?? "GET";
        if (!MethodRegex().IsMatch(method))
        {
            reader.Error(node["method"]!, $"'method' must be an HTTP method such as GET, HEAD or POST, found '{method}'");
        }

        var headers = reader.StringMap(node, "headers");
        foreach (var (key, value) in headers)
        {
            if (SecretResolver.SyntaxError(value) is { } error)
            {
                reader.Error(node["headers"]![key]!, error);
            }
        }

        var caFile = reader.Text(node, "ca_file") is { } ca ? Path.GetFullPath(ca, baseDirectory) : null;
        if (caFile is not null && !File.Exists(caFile))
        {
            reader.Error(node["ca_file"]!, $"ca_file '{caFile}' does not exist; give a PEM certificate file");
        }

        var jsonValue = reader.Text(node, "json_value");
        if (jsonValue is not null && node["json_path"] is null)
        {
            reader.Error(node["json_value"]!, "'json_value' needs a 'json_path' to compare");
        }

        return url is null ? null : new HttpCheckOptions(url)
        {
            Method = method.ToUpperInvariant(),
            ExpectedStatus = StatusRanges(node),
            BodyContains = reader.Text(node, "body_contains"),
            JsonPath = reader.Text(node, "json_path"),
            JsonValue = jsonValue,
            Headers = headers,
            Insecure = reader.Bool(node, "insecure") ?? false,
            CaFile = caFile,
            CertExpiryDays = (int)(reader.WholeNumber(node, "cert_expiry_days", min: 0) ?? 14),
        };
    }

    private List<(int From, int To)> StatusRanges(ConfigNode node)
    {
        var entries = reader.StringList(node, "expected_status");
        var ranges = new List<(int From, int To)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var parts = entries[i].Split('-', 2, StringSplitOptions.TrimEntries);
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                && from is >= 100 and <= 599 && to is >= 100 and <= 599 && from <= to)
            {
                ranges.Add((from, to));
                continue;
            }

            var list = node["expected_status"]!;
            reader.Error(list.Kind == ConfigNodeKind.Sequence ? list.Items[i] : list, $"'expected_status' entries are status codes or ranges such as 200 or 200-299, found '{entries[i]}'");
        }

        return ranges.Count == 0 ? [(200, 399)] : ranges;
    }

    private DnsCheckOptions? Dns(ConfigNode node)
    {
        var name = reader.Text(node, "name", required: true);
        var expect = new List<IPAddress>();
        var texts = reader.StringList(node, "expect");
        for (var i = 0; i < texts.Count; i++)
        {
            if (IPAddress.TryParse(texts[i], out var address))
            {
                expect.Add(address);
                continue;
            }

            var list = node["expect"]!;
            reader.Error(list.Kind == ConfigNodeKind.Sequence ? list.Items[i] : list, $"'expect' entries are IP addresses such as 93.184.216.34 or ::1, found '{texts[i]}'");
        }

        return name is null ? null : new DnsCheckOptions(name, expect);
    }

    private TcpCheckOptions? Tcp(ConfigNode node)
    {
        if (reader.Text(node, "address", required: true) is not { } address)
        {
            return null;
        }

        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon].Trim('[', ']') : "";
        if (host.Length > 0 && int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return new TcpCheckOptions(host, port);
        }

        reader.Error(node["address"]!, $"a tcp check needs host:port such as db.internal:5432 or [::1]:80, found '{address}'");
        return null;
    }

    private CommandCheckOptions? Command(ConfigNode node)
    {
        var command = reader.Text(node, "run", required: true);
        Regex? pattern = null;
        if (reader.Text(node, "output_pattern") is { } text)
        {
            try
            {
                pattern = new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                reader.Error(node["output_pattern"]!, $"'output_pattern' is not a valid regular expression: {ex.Message}");
            }
        }

        var workingDirectory = Path.GetFullPath(reader.Text(node, "working_dir") ?? ".", baseDirectory);
        return command is null ? null : new CommandCheckOptions(command, workingDirectory)
        {
            ExpectedExitCode = (int)(reader.WholeNumber(node, "expected_exit_code", min: 0) ?? 0),
            OutputPattern = pattern,
        };
    }

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex MethodRegex();
}
