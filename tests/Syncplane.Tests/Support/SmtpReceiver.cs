using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Syncplane.Tests.Support;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 (RFC 5321: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT): enough to receive what a
/// client sends and to check the login it used. Given a certificate it also offers STARTTLS (RFC 3207) and records
/// which commands came over TLS.
/// </summary>
internal sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2? _startTls;
    private readonly Task _accepting;

    /// <param name="startTls">The server certificate; null offers no STARTTLS.</param>
    public SmtpReceiver(X509Certificate2? startTls = null)
    {
        _startTls = startTls;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Mails received, in order.</summary>
    public ConcurrentQueue<ReceivedMail> Mails { get; } = new();

    /// <summary>Every command's verb as received, in order, with whether it came over TLS.</summary>
    public ConcurrentQueue<(string Verb, bool Tls)> Commands { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var tls = false;
        try
        {
            await writer.WriteLineAsync("220 localhost ESMTP test");
            string? login = null, from = null;
            var to = new List<string>();
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                Commands.Enqueue((verb, tls));
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync(_startTls is null || tls
                            ? "250-localhost\r\n250-AUTH PLAIN\r\n250 8BITMIME"
                            : "250-localhost\r\n250-STARTTLS\r\n250-AUTH PLAIN\r\n250 8BITMIME");
                        break;
                    case "STARTTLS" when _startTls is not null && !tls:
                        await writer.WriteLineAsync("220 2.0.0 Ready to start TLS");
                        var ssl = new SslStream(stream);
                        await ssl.AuthenticateAsServerAsync(_startTls);
                        (stream, tls) = (ssl, true);
                        reader = new StreamReader(stream, Encoding.ASCII);
                        writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                        break;
                    case "AUTH":
                        var plain = Encoding.UTF8.GetString(Convert.FromBase64String(line.Split(' ')[2])).Split('\0');
                        login = $"{plain[1]}:{plain[2]}";
                        await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>');
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>'));
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        {
                            data.AppendLine(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine);
                        }

                        Mails.Enqueue(new ReceivedMail(login, from, [.. to], data.ToString(), tls));
                        to.Clear();
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    case "STARTTLS":
                        await writer.WriteLineAsync("502 5.5.1 Command not implemented");
                        break;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up, or refused the certificate during the handshake.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>One mail as received: the login (user:password) it was sent with, the envelope, the message and whether it came over TLS.</summary>
internal sealed record ReceivedMail(string? Login, string? From, IReadOnlyList<string> To, string Data, bool Tls = false);
