using System.Net;
using System.Net.Sockets;

namespace Syncplane.Checks;

/// <summary>Resolves a name; down when it does not resolve or lacks an expected address.</summary>
internal sealed class DnsCheck : ICheck
{
    public string Kind => CheckKinds.Dns;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (DnsCheckOptions)check.Options;
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(options.HostName, cancellationToken);
        }
        catch (SocketException ex)
        {
            return new CheckOutcome(CheckStatus.Down, $"{options.HostName} does not resolve: {ex.Message}", new Dictionary<string, string> { ["name"] = options.HostName });
        }

        var found = addresses.Select(a => a.ToString()).Distinct(StringComparer.Ordinal).ToList();
        var details = new Dictionary<string, string>
        {
            ["name"] = options.HostName,
            ["addresses"] = string.Join(", ", found),
        };
        if (found.Count == 0)
        {
            return new CheckOutcome(CheckStatus.Down, $"{options.HostName} resolves to no address", details);
        }

        var missing = options.Expect.Where(e => !addresses.Contains(e)).Select(e => e.ToString()).ToList();
        if (missing.Count > 0)
        {
            details["missing"] = string.Join(", ", missing);
            return new CheckOutcome(CheckStatus.Down, $"{options.HostName} resolves to {details["addresses"]}, not to expected {details["missing"]}", details);
        }

        return new CheckOutcome(CheckStatus.Healthy, $"{options.HostName} resolves to {details["addresses"]}", details);
    }
}
