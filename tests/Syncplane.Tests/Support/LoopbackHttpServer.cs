using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Syncplane.Tests.Support;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 for check and connector tests: answers every request with what
/// <c>respond</c> returns for its path and query, after its delay; a null answer leaves the connection open and silent. With a certificate it
/// speaks TLS, so tests can serve expired, soon-expiring and untrusted certificates.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, Reply?> _respond;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();
    private readonly X509Certificate2? _certificate;
    private readonly Task _loop;

    public sealed record Reply(int Status, string Body, TimeSpan Delay = default, string ContentType = "text/plain")
    {
        /// <summary>Extra response headers, such as Retry-After.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    }

    public LoopbackHttpServer(Func<Reply?> respond, X509Certificate2? certificate = null)
        : this(_ => respond(), certificate)
    {
    }

    /// <summary>A server whose answer depends on the request's path and query (<c>/items?page=2</c>).</summary>
    public LoopbackHttpServer(Func<string, Reply?> respond, X509Certificate2? certificate = null)
    {
        _respond = respond;
        _certificate = certificate;
        _listener.Start(1024);
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The request line and headers of the latest request.</summary>
    public string? LastRequest { get; private set; }

    /// <summary>The request line and headers of every request so far, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}/";

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, valid between the two instants.</summary>
    public static X509Certificate2 Certificate(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=syncplane-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(notBefore, notAfter);
        // Re-imported so SslStream gets a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var ssl = new SslStream(stream);
                    await ssl.AuthenticateAsServerAsync(_certificate);
                    stream = ssl;
                }

                var head = await ReadHeadersAsync(stream);
                var target = head.Split(' ') is [_, var path, ..] ? path : "/";
                if (_respond(target) is not { } reply)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }

                await Task.Delay(reply.Delay, _stop.Token);
                var body = Encoding.UTF8.GetBytes(reply.Body);
                var extra = string.Concat(reply.Headers.Select(h => $"{h.Key}: {h.Value}\r\n"));
                var response = $"HTTP/1.1 {reply.Status} Status\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {body.Length}\r\n{extra}Connection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception)
            {
                // The client gave up (timeout, rejected certificate) or the server is stopping.
            }
        }
    }

    private async Task<string> ReadHeadersAsync(Stream stream)
    {
        var seen = new StringBuilder();
        var buffer = new byte[1];
        while (!seen.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, _stop.Token) == 1)
        {
            seen.Append((char)buffer[0]);
        }

        LastRequest = seen.ToString();
        _requests.Enqueue(LastRequest);
        return LastRequest;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
        _certificate?.Dispose();
    }
}
