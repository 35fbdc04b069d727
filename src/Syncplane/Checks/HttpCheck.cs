using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;

namespace Syncplane.Checks;

/// <summary>
/// Requests a URL: healthy when the status code is expected and the body matches (<c>body_contains</c>,
/// <c>json_path</c>); down otherwise. Over HTTPS it reports the server certificate (see <see cref="TlsInspector"/>).
/// Redirects are not followed, so a 3xx is what the check sees.
/// </summary>
internal sealed class HttpCheck : ICheck
{
    /// <summary>Body bytes read for <c>body_contains</c> and <c>json_path</c>: 1 MiB.</summary>
    private const int MaxBody = 1 << 20;

    public string Kind => CheckKinds.Http;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (HttpCheckOptions)check.Options;
        var tls = new TlsInspector(options);
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        handler.SslOptions.RemoteCertificateValidationCallback = tls.Validate;
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(new HttpMethod(options.Method), options.Url);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("syncplane-check", "1"));
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, context.Secrets.Resolve(value));
        }

        var details = new Dictionary<string, string> { ["url"] = options.Url.ToString(), ["method"] = options.Method };
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (tls.Certificate is not null && ex.InnerException is AuthenticationException)
        {
            tls.Describe(details, context.Time.GetUtcNow());
            return new CheckOutcome(CheckStatus.Down, $"TLS certificate of {options.Url.Host} rejected: {tls.Problem(context.Time.GetUtcNow())}", details);
        }
        catch (HttpRequestException ex)
        {
            return new CheckOutcome(CheckStatus.Down, $"{options.Method} {options.Url} failed: {ex.Message}", details);
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            details["status_code"] = code.ToString(CultureInfo.InvariantCulture);
            var tlsStatus = tls.Certificate is null ? CheckStatus.Healthy : tls.Describe(details, context.Time.GetUtcNow());
            if (!options.ExpectedStatus.Any(r => code >= r.From && code <= r.To))
            {
                return new CheckOutcome(CheckStatus.Down, $"HTTP {code} {response.ReasonPhrase}, expected {ExpectedText(options)}", details);
            }

            if (await BodyProblemAsync(options, response, details, cancellationToken) is { } problem)
            {
                return new CheckOutcome(CheckStatus.Down, $"HTTP {code}, but {problem}", details);
            }

            var message = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
            return tlsStatus switch
            {
                CheckStatus.Down => new CheckOutcome(CheckStatus.Down, $"{message}, but {tls.Problem(context.Time.GetUtcNow())}", details),
                CheckStatus.Degraded => new CheckOutcome(CheckStatus.Degraded, $"{message}; certificate expires in {details["cert_days_left"]} day(s)", details),
                _ => new CheckOutcome(CheckStatus.Healthy, message, details),
            };
        }
    }

    private static async Task<string?> BodyProblemAsync(HttpCheckOptions options, HttpResponseMessage response, Dictionary<string, string> details, CancellationToken cancellationToken)
    {
        if (options.BodyContains is null && options.JsonPath is null)
        {
            return null;
        }

        var body = await ReadBodyAsync(response, cancellationToken);
        if (options.BodyContains is { } needle && !body.Contains(needle, StringComparison.Ordinal))
        {
            return $"the body does not contain '{needle}'";
        }

        if (options.JsonPath is not { } path)
        {
            return null;
        }

        JsonElement found;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!JsonPath.TryFind(document.RootElement, path, out found))
            {
                return $"the JSON body has no '{path}'";
            }

            found = found.Clone();
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }

        var value = JsonPath.Text(found);
        details["json_value"] = value.Length > 200 ? value[..200] : value;
        return options.JsonValue is { } expected && value != expected ? $"'{path}' is '{details["json_value"]}', expected '{expected}'" : null;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static string ExpectedText(HttpCheckOptions options) =>
        string.Join(", ", options.ExpectedStatus.Select(r => r.From == r.To ? r.From.ToString(CultureInfo.InvariantCulture) : $"{r.From}-{r.To}"));
}
