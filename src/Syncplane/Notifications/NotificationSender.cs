using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Syncplane.Config;

namespace Syncplane.Notifications;

/// <summary>
/// POSTs one notification, retrying network errors, timeouts, 429 (honouring <c>Retry-After</c>) and 5xx after the
/// <see cref="NotificationOptions.Backoff"/> waits; any other status is final. The webhook URL and header values are
/// resolved here, at the last moment, and never logged: logs name the notifier and the URL's host only.
/// </summary>
internal sealed class NotificationSender(HttpClient http, SecretResolver secrets, TimeProvider time, NotificationOptions options, Action<string>? log)
{
    /// <summary>Sends <paramref name="outcome"/> to <paramref name="notifier"/>; false when it was given up.</summary>
    public Task<bool> SendAsync(NotifierConfig notifier, RunOutcome outcome, CancellationToken cancellationToken) =>
        SendAsync(notifier, NotificationPayloads.Build(notifier, outcome), $"run {outcome.RunId} ({outcome.Target} {outcome.Status})", cancellationToken);

    /// <summary>Sends <paramref name="change"/> to <paramref name="notifier"/>; false when it was given up.</summary>
    public Task<bool> SendAsync(NotifierConfig notifier, CheckChange change, CancellationToken cancellationToken) =>
        SendAsync(notifier, CheckChangePayloads.Build(notifier, change), $"check {change.Name} ({change.Status})", cancellationToken);

    private async Task<bool> SendAsync(NotifierConfig notifier, string body, string what, CancellationToken cancellationToken)
    {
        if (Resolve(notifier) is not { } resolved)
        {
            return false;
        }

        var (url, headers) = resolved;
        var attempts = options.Backoff.Count + 1;
        var last = "";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var (delivered, retry, why, retryAfter) = await AttemptAsync(notifier, url, headers, body, cancellationToken);
            if (delivered)
            {
                log?.Invoke($"notifier {notifier.Name}: sent {what} to {url.Host}");
                return true;
            }

            last = why;
            if (!retry)
            {
                log?.Invoke($"notifier {notifier.Name}: {url.Host} refused {what}: {why}; not retrying");
                return false;
            }

            if (attempt < attempts)
            {
                var wait = retryAfter is { } asked ? (asked > options.MaxRetryAfter ? options.MaxRetryAfter : asked) : options.Backoff[attempt - 1];
                log?.Invoke($"notifier {notifier.Name}: attempt {attempt} of {what} to {url.Host} failed: {why}; retrying in {DurationParser.Format(wait)}");
                await Task.Delay(wait, time, cancellationToken);
            }
        }

        log?.Invoke($"notifier {notifier.Name}: gave up on {what} to {url.Host} after {attempts} attempts: {last}");
        return false;
    }

    private (Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers)? Resolve(NotifierConfig notifier)
    {
        try
        {
            var url = secrets.Resolve(notifier.Webhook);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                log?.Invoke($"notifier {notifier.Name}: the webhook does not resolve to an http(s) URL; skipped");
                return null;
            }

            return (uri, [.. notifier.Headers.Select(h => KeyValuePair.Create(h.Key, secrets.Resolve(h.Value)))]);
        }
        catch (SecretException ex)
        {
            log?.Invoke($"notifier {notifier.Name}: {secrets.Redact(ex.Message)}; skipped");
            return null;
        }
    }

    private async Task<(bool Delivered, bool Retry, string Why, TimeSpan? RetryAfter)> AttemptAsync(
        NotifierConfig notifier, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, string body, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Syncplane", "1"));
        if (notifier.Format == NotificationFormat.GitHubDispatch)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (true, false, "", null);
            }

            var retry = response.StatusCode == HttpStatusCode.TooManyRequests || code >= 500;
            return (false, retry, $"HTTP {code}", retry ? RetryAfter(response.Headers.RetryAfter) : null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (false, true, $"no answer within {DurationParser.Format(options.RequestTimeout)}", null);
        }
        catch (HttpRequestException ex)
        {
            // The message names host and port at most; redact anyway in case a resolved secret is part of the host.
            return (false, true, secrets.Redact(ex.Message), null);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
