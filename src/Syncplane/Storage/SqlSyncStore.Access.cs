using System.Data.Common;
using System.Globalization;
using Syncplane.Access;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private const string TokenColumns = "id, name, role, hash, created_at, revoked_at, project";

    /// <inheritdoc />
    public async Task<ApiTokenRecord> CreateTokenAsync(string name, ApiRole role, string hash, CancellationToken cancellationToken, string? project = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(hash);
        var now = ToMicroseconds(Time.GetUtcNow());
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            await using var insert = Command(transaction, "INSERT INTO api_tokens (name, role, hash, created_at, project) VALUES (@name, @role, @hash, @now, @project) RETURNING id");
            Add(insert, "@name", name);
            Add(insert, "@role", ApiRoles.Name(role));
            Add(insert, "@hash", hash);
            Add(insert, "@now", ToDbTime(now));
            Add(insert, "@project", project);
            var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            await transaction.CommitAsync(cancellationToken);
            return new ApiTokenRecord(id, name, role, hash, now, null, project);
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            throw new InvalidOperationException($"a token named '{name}' exists already; revoke it or choose another name", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ApiTokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, $"SELECT {TokenColumns} FROM api_tokens WHERE hash = @hash AND revoked_at IS NULL");
        Add(query, "@hash", hash);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadToken(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, $"SELECT {TokenColumns} FROM api_tokens ORDER BY id");
        var tokens = new List<ApiTokenRecord>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(ReadToken(reader));
        }

        return tokens;
    }

    /// <inheritdoc />
    public async Task<bool> RevokeTokenAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var revoke = Command(transaction, "UPDATE api_tokens SET revoked_at = @now WHERE name = @name AND revoked_at IS NULL");
        Add(revoke, "@name", name);
        Add(revoke, "@now", ToDbTime(Time.GetUtcNow()));
        var revoked = await revoke.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    private ApiTokenRecord ReadToken(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), ApiRoles.TryParse(reader.GetString(2), out var role) ? role : throw new InvalidDataException($"unknown role '{reader.GetString(2)}' in the store"),
            reader.GetString(3), ReadTime(reader, 4), reader.IsDBNull(5) ? null : ReadTime(reader, 5), reader.IsDBNull(6) ? null : reader.GetString(6));

    /// <inheritdoc />
    public async Task<AuditRecord> AppendAuditAsync(string actor, string action, string? subject, string detailsJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentException.ThrowIfNullOrEmpty(action);
        var now = ToMicroseconds(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var insert = Command(transaction, "INSERT INTO audit (at, actor, action, subject, details) VALUES (@at, @actor, @action, @subject, @details) RETURNING id");
        Add(insert, "@at", ToDbTime(now));
        Add(insert, "@actor", actor);
        Add(insert, "@action", action);
        Add(insert, "@subject", subject);
        Add(insert, "@details", detailsJson);
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);
        return new AuditRecord(id, now, actor, action, subject, detailsJson);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> ListAuditAsync(long? beforeId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection,
            "SELECT id, at, actor, action, subject, details FROM audit" + (beforeId is null ? "" : " WHERE id < @before") + " ORDER BY id DESC LIMIT @limit");
        if (beforeId is { } before)
        {
            Add(query, "@before", before);
        }

        Add(query, "@limit", limit);
        var records = new List<AuditRecord>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(reader.GetInt64(0), ReadTime(reader, 1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)));
        }

        return records;
    }

    /// <inheritdoc />
    public async Task<bool> RecordDeliveryAsync(string provider, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(deliveryId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var insert = Command(transaction,
            "INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (@provider, @id, @now) ON CONFLICT DO NOTHING");
        Add(insert, "@provider", provider);
        Add(insert, "@id", deliveryId);
        Add(insert, "@now", ToDbTime(Time.GetUtcNow()));
        var first = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return first;
    }

    /// <inheritdoc />
    public async Task<long?> GetCursorAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT position FROM cursors WHERE name = @name");
        Add(query, "@name", name);
        return await query.ExecuteScalarAsync(cancellationToken) is { } position and not DBNull ? Convert.ToInt64(position, CultureInfo.InvariantCulture) : null;
    }

    /// <inheritdoc />
    public async Task SetCursorAsync(string name, long position, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var upsert = Command(transaction,
            "INSERT INTO cursors (name, position, updated_at) VALUES (@name, @position, @now) " +
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at");
        Add(upsert, "@name", name);
        Add(upsert, "@position", position);
        Add(upsert, "@now", ToDbTime(Time.GetUtcNow()));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
