using System.Globalization;
using System.Text;
using Npgsql;

namespace Syncplane.Storage.Postgres;

/// <summary>
/// Reads the two spellings of a PostgreSQL connection string: a libpq URL
/// (<c>postgres://user:pass@host:5432/db?sslmode=require</c>, as most hosting providers hand them
/// out) and Npgsql's <c>Host=…;Username=…</c> key=value form.
/// </summary>
/// <remarks>
/// Errors name the part that is wrong, never the whole string, because the string usually holds a
/// password. URL query parameters take libpq's names (<c>sslmode</c>, <c>connect_timeout</c>,
/// <c>application_name</c>, …) or any Npgsql keyword with underscores for spaces
/// (<c>search_path</c>, <c>maximum_pool_size</c>).
/// </remarks>
internal static class PostgresConnectionString
{
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host",
        ["port"] = "Port",
        ["dbname"] = "Database",
        ["user"] = "Username",
        ["password"] = "Password",
        ["passfile"] = "Passfile",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["options"] = "Options",
        ["client_encoding"] = "Client Encoding",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslmode"] = "SSL Mode",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["sslrootcert"] = "Root Certificate",
        ["sslnegotiation"] = "SSL Negotiation",
        ["gssencmode"] = "GSS Encryption Mode",
        ["require_auth"] = "Require Auth",
    };

    /// <summary>True for <c>postgres://</c> and <c>postgresql://</c> URLs.</summary>
    public static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses either form into Npgsql's builder.</summary>
    /// <exception cref="ArgumentException">The string is malformed; the message names the part, not the string.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (IsUrl(value))
        {
            return FromUrl(value.Trim());
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // Npgsql's messages name a keyword or an index, not the value; the inner exception is dropped all the same.
            throw new ArgumentException($"the PostgreSQL connection string is not valid key=value text: {e.Message}");
        }
    }

    /// <summary>The URL form of a connection string without its password, for logs and status output.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var text = new StringBuilder("postgres://");
        if (!string.IsNullOrEmpty(builder.Username))
        {
            text.Append(Uri.EscapeDataString(builder.Username)).Append('@');
        }

        var host = builder.Host ?? "localhost";
        text.Append(host.Contains(':', StringComparison.Ordinal) && !host.Contains(',', StringComparison.Ordinal) ? $"[{host}]" : host);
        if (!host.Contains(',', StringComparison.Ordinal))
        {
            text.Append(':').Append(builder.Port.ToString(CultureInfo.InvariantCulture));
        }

        return text.Append('/').Append(Uri.EscapeDataString(builder.Database ?? string.Empty)).ToString();
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string url)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = string.Empty;
        var queryAt = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryAt >= 0)
        {
            query = rest[(queryAt + 1)..];
            rest = rest[..queryAt];
        }

        var path = string.Empty;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            path = rest[(slash + 1)..];
            rest = rest[..slash];
        }

        var builder = new NpgsqlConnectionStringBuilder();

        // The last '@' ends the user part, so an unescaped '@' in a password still works.
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var user = rest[..at];
            var colon = user.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(colon >= 0 ? user[..colon] : user, "user name");
            if (colon >= 0)
            {
                builder.Password = Decode(user[(colon + 1)..], "password");
            }

            rest = rest[(at + 1)..];
        }

        SetHosts(builder, rest);
        if (path.Length > 0)
        {
            builder.Database = Decode(path, "database name");
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals >= 0 ? pair[..equals] : pair, "parameter name");
            var text = equals >= 0 ? Decode(pair[(equals + 1)..], $"value of '{name}'") : string.Empty;
            SetParameter(builder, name, text);
        }

        return builder;
    }

    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string hosts)
    {
        if (hosts.Length == 0)
        {
            builder.Host = "localhost";
            return;
        }

        var parsed = hosts.Split(',').Select(ParseHost).ToList();
        if (parsed.Count == 1)
        {
            builder.Host = parsed[0].Host;
            if (parsed[0].Port is { } port)
            {
                builder.Port = port;
            }

            return;
        }

        // Several hosts: Npgsql's own "host:port,host:port" list (failover / load balancing).
        builder.Host = string.Join(',', parsed.Select(h => h.Port is { } p ? $"{h.Host}:{p}" : h.Host));
    }

    private static (string Host, int? Port) ParseHost(string text)
    {
        string host;
        var port = string.Empty;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException("the PostgreSQL URL has an IPv6 host without its closing ']'");
            }

            host = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length > 0)
            {
                port = after.StartsWith(':') ? after[1..] : throw new ArgumentException("the PostgreSQL URL has text after an IPv6 host that is not ':port'");
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon >= 0 ? text[..colon] : text;
            port = colon >= 0 ? text[(colon + 1)..] : string.Empty;
        }

        host = Decode(host, "host");
        if (host.Length == 0)
        {
            throw new ArgumentException("the PostgreSQL URL has an empty host in its host list");
        }

        if (port.Length == 0)
        {
            return (host, null);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
            ? (host, number)
            : throw new ArgumentException($"the PostgreSQL URL's port for host '{host}' is not a number from 1 to 65535");
    }

    private static void SetParameter(NpgsqlConnectionStringBuilder builder, string name, string value)
    {
        var keyword = LibpqNames.TryGetValue(name, out var known) ? known : name.Replace('_', ' ');

        // libpq spells modes with dashes (verify-full); Npgsql's enums have none (VerifyFull).
        if (keyword is "SSL Mode" or "GSS Encryption Mode")
        {
            value = value.Replace("-", string.Empty, StringComparison.Ordinal);
        }

        try
        {
            builder[keyword] = value;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            var secret = keyword.Contains("Password", StringComparison.OrdinalIgnoreCase);
            throw new ArgumentException(secret
                ? $"the PostgreSQL URL parameter '{name}' is not valid"
                : $"the PostgreSQL URL parameter '{name}' is not valid: {e.Message}");
        }
    }

    private static string Decode(string text, string part)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw new ArgumentException($"the PostgreSQL URL's {part} is not valid percent-encoding");
        }
    }
}
