using Syncplane.Config;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// The <c>sql</c> connector: a destination that keeps records as rows of a SQLite or PostgreSQL table
/// (<c>destination: { sql: { connection, table, compare, columns, delete, schema } }</c>), writing only the rows that changed.
/// </summary>
internal sealed class SqlConnectorFactory : IConnectorFactory, IRecordDestinationFactory
{
    public string Type => ConnectorTypes.Sql;

    public bool CanBeSource => false;

    public bool CanBeDestination => true;

    public object? Bind(ConfigNode options, ConfigReader reader) => SqlDestinationOptionsBinder.Bind(options, reader);

    public IItemSource CreateSource(object options, ConnectorContext context) =>
        throw new NotSupportedException("sql is a destination only");

    public IItemDestination CreateDestination(object options, ConnectorContext context) =>
        throw new NotSupportedException("the sql destination stores records; its source must be one that reads records (http, gcp_assets)");

    public IRecordDestination CreateRecordDestination(object options, ConnectorContext context) =>
        new SqlDestination((SqlDestinationOptions)options, context);
}

/// <summary>The sql destination of one run: resolves the connection (secret references, relative SQLite paths) and opens it.</summary>
internal sealed class SqlDestination(SqlDestinationOptions options, ConnectorContext context) : IRecordDestination
{
    public async Task<IRecordRun> OpenAsync(IReadOnlyList<string> key, bool write, CancellationToken cancellationToken)
    {
        var connection = context.Secrets.Resolve(options.Connection);
        SqlDialect db = SqlDestinationOptionsBinder.IsPostgres(connection)
            ? new PostgresDialect(connection)
            : new SqliteDialect(Path.GetFullPath(connection, context.BaseDirectory));
        try
        {
            return await SqlRecordRun.OpenAsync(db, options, key, write, context.Time.GetUtcNow(), context.Log, context.TargetStateDirectory, cancellationToken);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }
}
