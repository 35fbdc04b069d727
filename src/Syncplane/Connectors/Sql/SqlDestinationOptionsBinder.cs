using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Connectors.Sql;

/// <summary>Reads and validates <see cref="SqlDestinationOptions"/>; secret references are checked for syntax only.</summary>
internal static partial class SqlDestinationOptionsBinder
{
    private const string What = "the sql connector";

    public static SqlDestinationOptions? Bind(ConfigNode node, ConfigReader reader)
    {
        var errors = reader.Errors.Count;
        if (!reader.Mapping(node, What, "connection", "table", "compare", "columns", "delete", "schema"))
        {
            return null;
        }

        var connection = reader.Text(node, "connection", required: true);
        if (connection is not null && SecretResolver.SyntaxError(connection) is { } syntax)
        {
            reader.Error(node["connection"]!, $"'connection': {syntax}");
        }
        else if (connection is not null && string.IsNullOrWhiteSpace(connection))
        {
            reader.Error(node["connection"]!, "'connection' must not be empty: a SQLite file path, or a PostgreSQL URL such as \"${env:METRICS_DB}\"");
        }

        var table = Table(node, reader);
        var compare = node["compare"] is { IsNull: false } ? reader.StringList(node, "compare") : null;
        if (compare is not null && (compare.Count == 0 || compare.Any(string.IsNullOrWhiteSpace) || compare.Distinct(StringComparer.Ordinal).Count() != compare.Count))
        {
            reader.Error(node["compare"]!, "'compare' must list one or more distinct field names, such as compare: [spend, clicks]; leave it out to compare every field");
        }

        var columns = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (var (field, type) in reader.StringMap(node, "columns"))
        {
            if (Enum.TryParse<ColumnKind>(type, ignoreCase: true, out var kind) && type.All(char.IsAsciiLetterLower))
            {
                columns[field] = kind;
            }
            else
            {
                reader.Error(node["columns"]![field]!, $"column type '{type}' of '{field}' is not one of: {string.Join(", ", Enum.GetNames<ColumnKind>().Select(n => n.ToLowerInvariant()))}");
            }
        }

        var delete = reader.Bool(node, "delete") ?? false;
        var schema = reader.Text(node, "schema");
        if (schema is not null and not ("strict" or "evolve"))
        {
            reader.Error(node["schema"]!, $"'schema' must be 'evolve' (add a column when a new field appears, the default) or 'strict' (fail instead), found '{schema}'");
        }

        if (reader.Errors.Count > errors || connection is null || table is null)
        {
            return null;
        }

        return new SqlDestinationOptions(Resolve(connection, node), table)
        {
            Compare = compare,
            Columns = columns,
            Delete = delete,
            StrictSchema = schema == "strict",
        };
    }

    /// <summary>True when <paramref name="connection"/> names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string connection) =>
        Storage.Postgres.PostgresConnectionString.IsUrl(connection) || connection.Contains('=', StringComparison.Ordinal);

    // A literal SQLite path is resolved against the config file's directory, like a directory connector's path.
    private static string Resolve(string connection, ConfigNode node)
    {
        if (SecretResolver.HasReference(connection) || IsPostgres(connection))
        {
            return connection;
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(node.File)) ?? Environment.CurrentDirectory;
        return Path.GetFullPath(connection, baseDirectory);
    }

    private static SqlTableName? Table(ConfigNode node, ConfigReader reader)
    {
        var text = reader.Text(node, "table", required: true);
        if (text is null)
        {
            return null;
        }

        var match = TableRegex().Match(text);
        if (!match.Success)
        {
            reader.Error(node["table"]!, $"'table' must be a name such as ad_metrics, or schema.name on PostgreSQL (letters, digits and '_', at most 63 characters each), found '{text}'");
            return null;
        }

        return match.Groups["schema"].Success ? new SqlTableName(match.Groups["schema"].Value, match.Groups["name"].Value) : new SqlTableName(null, text);
    }

    [GeneratedRegex(@"^(?:(?<schema>[A-Za-z_][A-Za-z0-9_]{0,62})\.)?(?<name>[A-Za-z_][A-Za-z0-9_]{0,62})$")]
    private static partial Regex TableRegex();
}
