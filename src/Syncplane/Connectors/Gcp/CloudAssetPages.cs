using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Syncplane.Engine.Policies;

namespace Syncplane.Connectors.Gcp;

/// <summary>
/// Asks Cloud Asset Inventory for one page of <c>GET {endpoint}/v1/{scope}:searchAllResources</c> with a bearer token, and
/// turns failures into the errors the engine classifies: 429 (and 503 with <c>Retry-After</c>) postpone the run, other 4xx
/// fail it at once, 5xx and network errors are retried per the target's <c>retry</c>. A 401 is returned to the caller,
/// which renews the token once.
/// </summary>
/// <remarks>Messages name the scope, the page and the API's own error; never the token, which travels only in the Authorization header.</remarks>
internal sealed class CloudAssetPages(HttpClient client, GcpAssetsOptions options, TimeProvider time)
{
    /// <summary>The URL of the page that <paramref name="pageToken"/> asks for (null: the first).</summary>
    public Uri Url(string? pageToken)
    {
        var query = options.AssetTypes.Select(t => "assetTypes=" + Uri.EscapeDataString(t)).ToList();
        if (options.Query is { } q)
        {
            query.Add("query=" + Uri.EscapeDataString(q));
        }

        if (options.PageSize is { } size)
        {
            query.Add("pageSize=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (pageToken is not null)
        {
            query.Add("pageToken=" + Uri.EscapeDataString(pageToken));
        }

        var path = $"{options.Endpoint.AbsoluteUri.TrimEnd('/')}/v1/{options.Scope}:searchAllResources";
        return new Uri(query.Count == 0 ? path : path + "?" + string.Join('&', query));
    }

    /// <summary>The page as JSON, or null when the API refused the token (401).</summary>
    public async Task<JsonDocument?> GetAsync(Uri url, string accessToken, string page, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("syncplane", "1"));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{page} did not answer within {Config.DurationParser.Format(client.Timeout)}", ex);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Check(response, body, page);
            try
            {
                return JsonDocument.Parse(body);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{page} did not return JSON ({ex.Message})", ex);
            }
        }
    }

    /// <summary>The failure a 401 ends with when a fresh token is refused too.</summary>
    public static HttpRequestException Unauthorized(string page) => new(
        $"{page} returned 401 Unauthorized with a fresh access token; check that the service account exists, its key is not disabled, and it has roles/cloudasset.viewer on the scope",
        null,
        HttpStatusCode.Unauthorized);

    private void Check(HttpResponseMessage response, string body, string page)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var what = $"{page} returned {status} {response.ReasonPhrase}".TrimEnd();
        if (GoogleApiError.Describe(body) is { } said)
        {
            what += $" ({said})";
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null))
        {
            throw new UpstreamRateLimitedException(what, retryAfter) { LimitedBy = $"{options.Endpoint.GetLeftPart(UriPartial.Authority)} ({status})" };
        }

        throw new HttpRequestException(what, null, response.StatusCode);
    }
}
