using System.Text.Json;
using Syncplane.Checks;

namespace Syncplane.Connectors.Http;

/// <summary>
/// Which page comes next: the URL at <see cref="HttpSourceOptions.Next"/>, or the token at
/// <see cref="HttpSourceOptions.NextToken"/> sent back as <see cref="HttpSourceOptions.TokenParam"/> (a query parameter of a
/// GET, a body field of a POST). Pages end where the URL or token is null, empty or absent.
/// </summary>
/// <remarks>
/// A next URL must be on the same scheme, host and port as <c>url</c>: the headers (with their credentials) go only where
/// the config says. A URL or token already sent ends the run with an error instead of looping.
/// </remarks>
internal sealed class HttpPaging(HttpSourceOptions options)
{
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    public PageRequest First()
    {
        _sent.Clear();
        _sent.Add(options.Url.AbsoluteUri);
        return new PageRequest(1, options.Method, options.Url);
    }

    /// <summary>The request after <paramref name="current"/>, whose response is <paramref name="page"/>; null after the last page.</summary>
    /// <exception cref="InvalidDataException">The URL or token is not a string, leads elsewhere, or repeats an earlier page.</exception>
    public PageRequest? Next(JsonElement page, PageRequest current)
    {
        if (options.NextToken is { } tokenPath)
        {
            if (TextAt(page, tokenPath, "next_token", "a page token", current) is not { } token)
            {
                return null;
            }

            return _sent.Add("token:" + token)
                ? new PageRequest(current.Number + 1, options.Method, options.Method == HttpMethod.Get ? WithQuery(options.Url, options.TokenParam!, token) : options.Url, token)
                : throw new InvalidDataException($"pagination loops: {current} answered a token an earlier page answered; check 'next_token'");
        }

        if (options.Next is not { } path || TextAt(page, path, "next", "a URL", current) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(current.Url, text, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidDataException($"{current}: '{path}' ('next') is '{text}', not an http(s) URL");
        }

        if (url.Scheme != options.Url.Scheme || url.IdnHost != options.Url.IdnHost || url.Port != options.Url.Port)
        {
            throw new InvalidDataException($"{current}: the next page {url.GetLeftPart(UriPartial.Path)} is on another host than 'url'; its headers are not sent there");
        }

        return _sent.Add(url.AbsoluteUri)
            ? new PageRequest(current.Number + 1, options.Method, url)
            : throw new InvalidDataException($"pagination loops: page {current.Number + 1} is {url} again; check 'next'");
    }

    /// <summary>The string at <paramref name="path"/>; null when it is absent, null or empty.</summary>
    private static string? TextAt(JsonElement page, string path, string option, string what, PageRequest current)
    {
        if (!JsonPath.TryFind(page, path, out var found) || found.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = found.ValueKind == JsonValueKind.String
            ? found.GetString()
            : throw new InvalidDataException($"{current}: '{path}' ('{option}') is {found.ValueKind.ToString().ToLowerInvariant()}, not {what}");
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static Uri WithQuery(Uri url, string name, string value)
    {
        var kept = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Uri.UnescapeDataString(p.Split('=')[0]) != name);
        var query = string.Join('&', kept.Append($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}"));
        return new UriBuilder(url) { Query = query }.Uri;
    }
}
