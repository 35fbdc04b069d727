using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Notifications;

namespace Syncplane.Alerts;

/// <summary>The outcome of one delivery attempt.</summary>
/// <param name="Retry">Worth trying again later (network error, timeout, 429, 5xx, an SMTP server's transient reply).</param>
internal sealed record DeliveryAttempt(bool Delivered, bool Retry, string Why)
{
    public static readonly DeliveryAttempt Success = new(true, false, "");
}

/// <summary>
/// Makes one attempt at sending an alert notice through a notifier: a webhook (json, slack, github_dispatch), PagerDuty
/// Events API v2 or SMTP mail. Secrets are resolved here, at the last moment; what comes back never contains them.
/// </summary>
internal sealed class AlertChannelSender(HttpClient http, SecretResolver secrets, TimeProvider time, TimeSpan requestTimeout)
{
    public async Task<DeliveryAttempt> SendAsync(NotifierConfig notifier, AlertNotice notice, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        try
        {
            if (notifier.PagerDuty is { } pagerDuty)
            {
                var body = AlertPayloads.PagerDuty(secrets.Resolve(pagerDuty.RoutingKey), notice);
                return await PostAsync(new Uri(pagerDuty.Endpoint), body, [], deliveryId, cancellationToken);
            }

            if (notifier.Email is { } email)
            {
                return await MailAsync(email, notice, cancellationToken);
            }

            if (!Uri.TryCreate(secrets.Resolve(notifier.Webhook), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return new DeliveryAttempt(false, false, "the webhook does not resolve to an http(s) URL");
            }

            var headers = notifier.Headers.Select(h => KeyValuePair.Create(h.Key, secrets.Resolve(h.Value))).ToList();
            if (notifier.Format == NotificationFormat.GitHubDispatch)
            {
                headers.Add(KeyValuePair.Create("Accept", "application/vnd.github+json"));
            }

            return await PostAsync(url, AlertPayloads.Webhook(notifier, notice), headers, deliveryId, cancellationToken);
        }
        catch (SecretException ex)
        {
            return new DeliveryAttempt(false, false, secrets.Redact(ex.Message));
        }
    }

    private async Task<DeliveryAttempt> PostAsync(
        Uri url, string body, IReadOnlyList<KeyValuePair<string, string>> headers, string deliveryId, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(requestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Syncplane", "1"));

        // The same id on every attempt of one delivery, so a receiver can drop a repeat after a lost answer.
        request.Headers.TryAddWithoutValidation("X-Syncplane-Delivery", deliveryId);
        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? DeliveryAttempt.Success
                : new DeliveryAttempt(false, response.StatusCode == HttpStatusCode.TooManyRequests || code >= 500, $"{url.Host} answered HTTP {code}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(false, true, $"{url.Host} gave no answer within {DurationParser.Format(requestTimeout)}");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryAttempt(false, true, secrets.Redact(ex.Message));
        }
    }

    private async Task<DeliveryAttempt> MailAsync(EmailChannel email, AlertNotice notice, CancellationToken cancellationToken)
    {
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.From));
        message.To.AddRange(email.To.Select(MailboxAddress.Parse));
        message.Subject = AlertPayloads.EmailSubject(notice);
        message.Body = new TextPart("plain") { Text = AlertPayloads.EmailBody(notice) };
        using var timeout = new CancellationTokenSource(requestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var smtp = new SmtpClient { Timeout = (int)requestTimeout.TotalMilliseconds };
        var certificateErrors = SslPolicyErrors.None;
        smtp.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            // The system store, or a root in ca_file; a name mismatch is never forgiven.
            if (errors == SslPolicyErrors.RemoteCertificateChainErrors && email.CaFile is { } caFile && certificate is not null)
            {
                using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                errors = TlsInspector.TrustedBy(caFile, presented) ? SslPolicyErrors.None : errors;
            }

            certificateErrors = errors;
            return errors == SslPolicyErrors.None;
        };
        var security = email.StartTls == StartTlsMode.Required ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable;
        try
        {
            await smtp.ConnectAsync(email.Host, email.Port, security, linked.Token);
            if (email.User is { } user && email.Password is { } password)
            {
                await smtp.AuthenticateAsync(secrets.Resolve(user), secrets.Resolve(password), linked.Token);
            }

            await smtp.SendAsync(message, linked.Token);
            await smtp.DisconnectAsync(true, linked.Token);
            return DeliveryAttempt.Success;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(false, true, $"{email.Host} gave no answer within {DurationParser.Format(requestTimeout)}");
        }
        catch (AuthenticationException ex)
        {
            return new DeliveryAttempt(false, false, $"{email.Host} refused the SMTP login: {secrets.Redact(ex.Message)}");
        }
        catch (SmtpCommandException ex)
        {
            // 4xx replies are transient by SMTP's own rules; 5xx are final.
            return new DeliveryAttempt(false, (int)ex.StatusCode < 500, $"{email.Host} refused the mail: {secrets.Redact(ex.Message)}");
        }
        catch (NotSupportedException) when (security == SecureSocketOptions.StartTls && !smtp.IsSecure)
        {
            return new DeliveryAttempt(false, true,
                $"{email.Host}:{email.Port} does not offer STARTTLS, so the mail was not sent: starttls is required (set starttls: when_available only for a relay on localhost)");
        }
        catch (SslHandshakeException) when (certificateErrors != SslPolicyErrors.None)
        {
            return new DeliveryAttempt(false, true,
                $"{email.Host}:{email.Port}: the server's TLS certificate is not trusted ({Describe(certificateErrors)}), so the mail was not sent; give its CA or the certificate itself in ca_file if it is yours");
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or SmtpProtocolException or SslHandshakeException or NotSupportedException)
        {
            return new DeliveryAttempt(false, true, $"{email.Host}:{email.Port}: {secrets.Redact(ex.Message)}");
        }
    }

    private static string Describe(SslPolicyErrors errors) => string.Join(", ", new[]
    {
        errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) ? "untrusted chain" : null,
        errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ? "name mismatch" : null,
        errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) ? "no certificate" : null,
    }.OfType<string>());
}
