using System.Net.Sockets;

namespace Syncplane.Checks;

/// <summary>Opens a TCP connection to <c>host:port</c> and closes it again.</summary>
internal sealed class TcpCheck : ICheck
{
    public string Kind => CheckKinds.Tcp;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (TcpCheckOptions)check.Options;
        var address = $"{options.Host}:{options.Port}";
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(options.Host, options.Port, cancellationToken);
        }
        catch (SocketException ex)
        {
            return new CheckOutcome(CheckStatus.Down, $"cannot connect to {address}: {ex.Message}", new Dictionary<string, string> { ["address"] = address, ["error"] = ex.SocketErrorCode.ToString() });
        }

        var remote = client.Client.RemoteEndPoint?.ToString() ?? address;
        return new CheckOutcome(CheckStatus.Healthy, $"connected to {address}", new Dictionary<string, string> { ["address"] = address, ["remote"] = remote });
    }
}
