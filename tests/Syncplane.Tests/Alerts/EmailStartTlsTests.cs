using System.Security.Cryptography.X509Certificates;
using Syncplane.Alerts;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Alerts;

/// <summary>
/// The email channel against a real SMTP server on 127.0.0.1 with a self-signed certificate: STARTTLS is required by
/// default, so a server that does not offer it gets neither the login nor the mail; the certificate is checked
/// against the system store and the channel's <c>ca_file</c>, and an untrusted one stops the mail even under
/// <c>starttls: when_available</c>. Failures show in the channel's health with a message that says why.
/// </summary>
public sealed class EmailStartTlsTests : IDisposable
{
    private static readonly string[] ClearTextAllowed = ["EHLO", "STARTTLS", "QUIT"];
    private readonly TempDirectory _directory = new();
    private readonly X509Certificate2 _certificate = LoopbackHttpServer.Certificate(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    public EmailStartTlsTests()
    {
        AlertBed.Environment["SMTP_USER"] = "alerts@example.com";
        AlertBed.Environment["SMTP_PASSWORD"] = "smtp-secret-pw";
        _directory.Write("smtp-ca.pem", _certificate.ExportCertificatePem());
    }

    [Fact]
    public async Task StartTlsRequired_ServerOffersIt_CertificateInCaFile_MailAndLoginGoOverTls()
    {
        await using var server = new SmtpReceiver(_certificate);
        var health = await SendOneAlertAsync(server, $"ca_file: {_directory.Combine("smtp-ca.pem")}");

        var mail = Assert.Single(server.Mails);
        Assert.True(mail.Tls);
        Assert.Equal("alerts@example.com:smtp-secret-pw", mail.Login);
        Assert.Equal(["platform@example.com"], mail.To);
        Assert.Contains("Subject: [FIRING] failing on target lz-docs", mail.Data, StringComparison.Ordinal);
        Assert.All(server.Commands.Where(c => !ClearTextAllowed.Contains(c.Verb)), c => Assert.True(c.Tls, $"{c.Verb} was sent in clear text"));
        Assert.Equal((false, 0), (health.Failing, health.Pending));
    }

    [Fact]
    public async Task StartTlsRequired_ServerDoesNotOfferIt_NothingIsSentInClearText_AndTheChannelSaysWhy()
    {
        await using var server = new SmtpReceiver();
        var health = await SendOneAlertAsync(server, "starttls: required");

        Assert.Empty(server.Mails);
        Assert.Equal(["EHLO"], server.Commands.Select(c => c.Verb).Where(v => v != "QUIT"));
        Assert.True(health.Failing);
        Assert.Equal($"127.0.0.1:{server.Port} does not offer STARTTLS, so the mail was not sent: starttls is required (set starttls: when_available only for a relay on localhost)", health.LastError);
        Assert.DoesNotContain("smtp-secret-pw", health.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("starttls: required")]
    [InlineData("starttls: when_available")]
    public async Task SelfSignedCertificate_NotInCaFile_IsRefused_BeforeTheLoginOrTheMail(string starttls)
    {
        await using var server = new SmtpReceiver(_certificate);
        var health = await SendOneAlertAsync(server, starttls);

        Assert.Empty(server.Mails);
        Assert.Equal(["EHLO", "STARTTLS"], server.Commands.Select(c => c.Verb));
        Assert.True(health.Failing);
        Assert.StartsWith($"127.0.0.1:{server.Port}: the server's TLS certificate is not trusted (untrusted chain)", health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaFileWithAnotherCertificate_DoesNotTrustTheServer()
    {
        using var other = LoopbackHttpServer.Certificate(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        _directory.Write("other-ca.pem", other.ExportCertificatePem());
        await using var server = new SmtpReceiver(_certificate);
        var health = await SendOneAlertAsync(server, $"ca_file: {_directory.Combine("other-ca.pem")}");

        Assert.Empty(server.Mails);
        Assert.Contains("certificate is not trusted", health.LastError, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _directory.Dispose();
    }

    private static async Task<AlertChannelHealth> SendOneAlertAsync(SmtpReceiver server, string tlsSetting)
    {
        await using var bed = await AlertBed.StartAsync($$"""
            targets:
              lz-docs: { entrypoint: "true" }
            notifiers:
              mail:
                email:
                  host: 127.0.0.1
                  port: {{server.Port}}
                  {{tlsSetting}}
                  user: "${env:SMTP_USER}"
                  password: "${env:SMTP_PASSWORD}"
                  from: syncplane@example.com
                  to: [platform@example.com]
            alerts:
              failing: { when: "consecutive_failures >= 1", notify: [mail] }
            """);
        await bed.RunAsync("lz-docs", RunStatus.Failed);
        await bed.Evaluator.EvaluateAllAsync(CancellationToken.None);
        await bed.Sender.SendDueAsync(CancellationToken.None);
        return Assert.Single(await bed.Store.ListAlertChannelsAsync(CancellationToken.None));
    }
}
