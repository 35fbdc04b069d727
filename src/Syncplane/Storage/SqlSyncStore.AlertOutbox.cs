using System.Data.Common;
using System.Globalization;
using Syncplane.Alerts;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private const string OpenDelivery = "sent_at IS NULL AND failed_at IS NULL";

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertDelivery>> ClaimAlertDeliveriesAsync(string holder, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);

        // The outer conditions are checked again on the row a concurrent claimer just changed (PostgreSQL re-reads it
        // after the row lock), so of two nodes picking the same row only one updates it.
        await using var claim = Command(transaction,
            $"""
            UPDATE alert_outbox SET holder = @holder, lease_until = @until, attempts = attempts + 1
            WHERE id IN (
                SELECT o.id FROM alert_outbox o
                WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.due_at <= @now AND (o.lease_until IS NULL OR o.lease_until < @now)
                  AND NOT EXISTS (SELECT 1 FROM alert_outbox e WHERE e.alert_id = o.alert_id AND e.notifier = o.notifier AND e.id < o.id
                                  AND e.sent_at IS NULL AND e.failed_at IS NULL)
                ORDER BY o.id LIMIT @max)
              AND {OpenDelivery} AND (lease_until IS NULL OR lease_until < @now)
            RETURNING id, alert_id, notifier, transition, payload, attempts
            """);
        Add(claim, "@holder", holder);
        Add(claim, "@until", ToDbTime(now + lease));
        Add(claim, "@now", ToDbTime(now));
        Add(claim, "@max", max);
        var claimed = new List<AlertDelivery>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new AlertDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. claimed.OrderBy(d => d.Id)];
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAlertDeliveryAsync(long id, string holder, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var notifier = await FinishDeliveryAsync(transaction, id, holder, "sent_at = @now, last_error = NULL", now, null, null, cancellationToken);
        if (notifier is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await using var health = Command(transaction,
            """
            INSERT INTO alert_channels (notifier, last_success_at, consecutive_failures) VALUES (@notifier, @now, 0)
            ON CONFLICT (notifier) DO UPDATE SET last_success_at = @now, consecutive_failures = 0
            """);
        Add(health, "@notifier", notifier);
        Add(health, "@now", ToDbTime(now));
        await health.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task FailAlertDeliveryAsync(long id, string holder, string why, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var set = retryAt is null ? "failed_at = @now, last_error = @error" : "due_at = @retry, last_error = @error";
        var notifier = await FinishDeliveryAsync(transaction, id, holder, set, now, why, retryAt, cancellationToken);
        if (notifier is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return;
        }

        await using var health = Command(transaction,
            """
            INSERT INTO alert_channels (notifier, last_failure_at, last_error, consecutive_failures) VALUES (@notifier, @now, @error, 1)
            ON CONFLICT (notifier) DO UPDATE SET last_failure_at = @now, last_error = @error, consecutive_failures = alert_channels.consecutive_failures + 1
            """);
        Add(health, "@notifier", notifier);
        Add(health, "@now", ToDbTime(now));
        Add(health, "@error", why);
        await health.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertChannelHealth>> ListAlertChannelsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection,
            $"""
            SELECT n.notifier, c.last_success_at, c.last_failure_at, c.last_error, COALESCE(c.consecutive_failures, 0),
                   (SELECT COUNT(*) FROM alert_outbox o WHERE o.notifier = n.notifier AND o.{OpenDelivery.Replace(" AND ", " AND o.", StringComparison.Ordinal)})
            FROM (SELECT notifier FROM alert_channels UNION SELECT DISTINCT notifier FROM alert_outbox) n
            LEFT JOIN alert_channels c ON c.notifier = n.notifier
            ORDER BY n.notifier
            """);
        var channels = new List<AlertChannelHealth>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            channels.Add(new AlertChannelHealth(reader.GetString(0), reader.IsDBNull(1) ? null : ReadTime(reader, 1), reader.IsDBNull(2) ? null : ReadTime(reader, 2),
                reader.IsDBNull(3) ? null : reader.GetString(3), Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture)));
        }

        return channels;
    }

    // Updates the delivery while holder still holds it; returns its notifier, or null when the lease was lost.
    private async Task<string?> FinishDeliveryAsync(
        DbTransaction transaction, long id, string holder, string set, DateTimeOffset now, string? error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var update = Command(transaction,
            $"UPDATE alert_outbox SET {set}, holder = NULL, lease_until = NULL WHERE id = @id AND holder = @holder AND {OpenDelivery} RETURNING notifier");
        Add(update, "@id", id);
        Add(update, "@holder", holder);
        Add(update, "@now", ToDbTime(now));
        Add(update, "@error", error);
        if (retryAt is { } retry)
        {
            Add(update, "@retry", ToDbTime(retry));
        }

        return await update.ExecuteScalarAsync(cancellationToken) as string;
    }
}
