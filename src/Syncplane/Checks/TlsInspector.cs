using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Syncplane.Checks;

/// <summary>
/// Decides whether an HTTPS check trusts the server certificate (the system store, a <c>ca_file</c> root, or
/// anything with <c>insecure: true</c>) and keeps what it saw, so that a rejected or expiring certificate is
/// reported (subject, expiry, days left, why not trusted) instead of being a bare connection error.
/// </summary>
internal sealed class TlsInspector(HttpCheckOptions options)
{
    private SslPolicyErrors _errors;
    private X509ChainStatusFlags _chainErrors;

    /// <summary>The server certificate, once the handshake got that far.</summary>
    public X509Certificate2? Certificate { get; private set; }

    /// <summary>The certificate validation callback.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            _errors = errors;
            return false;
        }

        Certificate = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        _errors = errors;
        _chainErrors = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        if (options.CaFile is { } caFile && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None)
        {
            _errors = TrustedBy(caFile, Certificate) ? SslPolicyErrors.None : errors;
        }

        return options.Insecure || _errors == SslPolicyErrors.None;
    }

    /// <summary>Adds the certificate's facts to <paramref name="details"/>; returns down (expired or untrusted without <c>insecure</c>), degraded (expiring soon) or healthy.</summary>
    public CheckStatus Describe(Dictionary<string, string> details, DateTimeOffset now)
    {
        if (Certificate is not { } cert)
        {
            return CheckStatus.Healthy;
        }

        var daysLeft = DaysLeft(now);
        details["cert_subject"] = cert.Subject;
        details["cert_issuer"] = cert.Issuer;
        details["cert_expires"] = cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        details["cert_days_left"] = daysLeft.ToString(CultureInfo.InvariantCulture);
        details["cert_trusted"] = _errors == SslPolicyErrors.None ? "true" : "false";
        if (_errors != SslPolicyErrors.None)
        {
            details["cert_errors"] = Errors();
        }

        return cert.NotAfter.ToUniversalTime() <= now.UtcDateTime || (_errors != SslPolicyErrors.None && !options.Insecure) ? CheckStatus.Down
            : daysLeft < options.CertExpiryDays ? CheckStatus.Degraded
            : CheckStatus.Healthy;
    }

    /// <summary>Why the certificate is not acceptable, for the message.</summary>
    public string Problem(DateTimeOffset now)
    {
        if (Certificate is not { } cert)
        {
            return "no certificate";
        }

        var expires = cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return cert.NotAfter.ToUniversalTime() <= now.UtcDateTime
            ? $"certificate expired on {expires} ({-DaysLeft(now)} day(s) ago)"
            : $"certificate not trusted ({Errors()}); subject {cert.Subject}, expires {expires}";
    }

    private int DaysLeft(DateTimeOffset now) => (int)Math.Floor((Certificate!.NotAfter.ToUniversalTime() - now.UtcDateTime).TotalDays);

    private string Errors()
    {
        var parts = new List<string>();
        if (_errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            parts.Add("name mismatch");
        }

        if (_errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            parts.Add(_chainErrors == X509ChainStatusFlags.NoError ? "untrusted chain" : $"chain: {_chainErrors}");
        }

        if (_errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            parts.Add("no certificate");
        }

        return string.Join(", ", parts);
    }

    /// <summary>Whether <paramref name="certificate"/> chains up to a root in the PEM file <paramref name="caFile"/>.</summary>
    internal static bool TrustedBy(string caFile, X509Certificate2 certificate)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
