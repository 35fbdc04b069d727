using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Syncplane.Config;
using Syncplane.Engine.Policies;

namespace Syncplane.Connectors.Http;

/// <summary>
/// Sends one page request (a GET, or a POST with a JSON body) and turns HTTP failures into the errors the engine classifies: 429 (and 503 with
/// <c>Retry-After</c>) → <see cref="UpstreamRateLimitedException"/> (postponed without spending an attempt);
/// other 4xx → permanent; 5xx, network errors and timeouts → transient.
/// </summary>
/// <remarks>Header values are resolved from their secret references for each request; they appear in no message.</remarks>
internal sealed class HttpPageReader(HttpClient client, SecretResolver secrets, TimeProvider time)
{
    /// <summary>Largest page accepted: 64 MiB.</summary>
    public const int MaxPageBytes = 64 << 20;

    /// <summary>Sends <paramref name="page"/> (with <paramref name="body"/>, JSON, when not null) and parses the response as JSON.</summary>
    public async Task<JsonPage> SendAsync(PageRequest page, IReadOnlyDictionary<string, string> headers, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(page.Method, page.Url);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("syncplane", "1"));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, secrets.Resolve(value));
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout; a cancellation would make the engine record the run as cancelled.
            throw new TimeoutException($"{page} did not answer within {DurationParser.Format(client.Timeout)}", ex);
        }

        using (response)
        {
            Check(page, response);
            return await ReadJsonAsync(page, response, cancellationToken);
        }
    }

    private void Check(PageRequest page, HttpResponseMessage response)
    {
        var url = page.Url;
        var status = (int)response.StatusCode;
        var what = $"{page} returned {status} {response.ReasonPhrase}".TrimEnd();
        var retryAfter = RetryAfter(response);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null))
        {
            throw new UpstreamRateLimitedException(what, retryAfter) { LimitedBy = $"{url.GetLeftPart(UriPartial.Authority)} ({status})" };
        }

        if (status is >= 300 and < 400)
        {
            // Not followed: the headers may carry credentials, and a redirect could send them elsewhere.
            throw new NotSupportedException($"{what}, a redirect to {response.Headers.Location}; set 'url' to the final address");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(what, null, response.StatusCode);
        }
    }

    /// <summary>The wait a <c>Retry-After</c> asks for, in seconds or as an HTTP date; null when absent.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<JsonPage> ReadJsonAsync(PageRequest page, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxPageBytes)
        {
            throw new InvalidDataException($"{page} returned {response.Content.Headers.ContentLength} bytes, more than the {MaxPageBytes >> 20} MiB a page may have");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(response.Content.Headers.ContentLength + 1 ?? 0, 1 << 16, MaxPageBytes + 1));
        var length = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxPageBytes)
                {
                    throw new InvalidDataException($"{page} returned more than the {MaxPageBytes >> 20} MiB a page may have");
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxPageBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        try
        {
            return JsonPage.Parse(buffer, length);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{page} did not return JSON ({ex.Message})", ex);
        }
    }
}
