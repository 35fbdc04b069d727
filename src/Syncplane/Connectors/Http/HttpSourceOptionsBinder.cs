using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Connectors.Http;

/// <summary>Reads and validates <see cref="HttpSourceOptions"/>; secret references are checked for syntax only.</summary>
internal static partial class HttpSourceOptionsBinder
{
    private const string What = "the http connector";

    public static HttpSourceOptions? Bind(ConfigNode node, ConfigReader reader)
    {
        var errors = reader.Errors.Count;
        if (!reader.Mapping(node, What, "url", "method", "headers", "body", "records", "key", "next", "next_token", "token_param"))
        {
            return null;
        }

        var url = Url(node, reader);
        var headers = reader.StringMap(node, "headers");
        foreach (var (name, value) in headers)
        {
            if (!HeaderNameRegex().IsMatch(name))
            {
                reader.Error(node["headers"]!, $"'{name}' is not an HTTP header name");
            }
            else if (SecretResolver.SyntaxError(value) is { } error)
            {
                reader.Error(node["headers"]![name]!, $"header '{name}': {error}");
            }
        }

        var method = Method(node, reader);
        var body = node["body"] is { IsNull: false } bodyNode ? RequestBody.Bind(bodyNode, reader) : null;
        if (body is not null && method != HttpMethod.Post)
        {
            reader.Error(node["body"]!, "'body' is sent only with method: POST");
        }

        var records = Path(node, reader, "records");
        var next = Path(node, reader, "next");
        var nextToken = Path(node, reader, "next_token");
        var tokenParam = reader.Text(node, "token_param");
        if ((nextToken is null) != (tokenParam is null))
        {
            reader.Error(node, "'next_token' (where the response holds the next page's token) and 'token_param' (the parameter that carries it, such as pageToken) go together");
        }
        else if (nextToken is not null && next is not null)
        {
            reader.Error(node["next"]!, "set either 'next' (a URL to follow) or 'next_token' (a token to send back), not both");
        }
        else if (tokenParam is not null && (tokenParam.Length == 0 || SecretResolver.HasReference(tokenParam)))
        {
            reader.Error(node["token_param"]!, $"'token_param' must be a parameter name such as pageToken, found '{tokenParam}'");
        }

        var key = reader.StringList(node, "key");
        if (node["key"] is null || node["key"]!.IsNull)
        {
            reader.Error(node, "missing required key 'key': the record fields that identify a record, such as key: [campaign_id, date]");
        }
        else if (key.Count == 0 || key.Any(string.IsNullOrWhiteSpace) || key.Distinct(StringComparer.Ordinal).Count() != key.Count)
        {
            reader.Error(node["key"]!, "'key' must list one or more distinct, non-empty record field names, such as key: [campaign_id, date]");
        }

        if (reader.Errors.Count > errors || url is null)
        {
            return null;
        }

        return new HttpSourceOptions(url, key)
        {
            Method = method,
            Body = body,
            Headers = headers,
            Records = records,
            Next = next,
            NextToken = nextToken,
            TokenParam = tokenParam,
        };
    }

    private static Uri? Url(ConfigNode node, ConfigReader reader)
    {
        var text = reader.Text(node, "url", required: true);
        if (text is null)
        {
            return null;
        }

        if (SecretResolver.HasReference(text) || SecretResolver.SyntaxError(text) is not null)
        {
            reader.Error(node["url"]!, "'url' must not contain secret references (it is logged and stored); put credentials in 'headers', such as Authorization: \"Bearer ${env:API_TOKEN}\"");
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            reader.Error(node["url"]!, $"'url' must be an absolute http:// or https:// URL, found '{text}'");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            reader.Error(node["url"]!, "'url' must not embed credentials; put them in 'headers' as secret references");
            return null;
        }

        return uri;
    }

    private static HttpMethod Method(ConfigNode node, ConfigReader reader)
    {
        var text = reader.Text(node, "method");
        switch (text?.ToUpperInvariant())
        {
            case null or "GET":
                return HttpMethod.Get;
            case "POST":
                return HttpMethod.Post;
            default:
                reader.Error(node["method"]!, $"'method' must be GET or POST, found '{text}'");
                return HttpMethod.Get;
        }
    }

    private static string? Path(ConfigNode node, ConfigReader reader, string key)
    {
        var path = reader.Text(node, key);
        if (path is not null && path.Split('.').Any(s => s.Length == 0))
        {
            reader.Error(node[key]!, $"'{key}' must be a dotted path of field names such as paging.next or nextPageToken, found '{path}'");
            return null;
        }

        return path;
    }

    // RFC 9110 token characters.
    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex HeaderNameRegex();
}
