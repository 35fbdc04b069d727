using Syncplane.Events;

namespace Syncplane.Storage.Postgres;

internal sealed partial class PostgresSyncStore
{
    /// <inheritdoc />
    /// <remarks>
    /// One statement, so one round trip in autocommit: the claim and its run.started event (whose data,
    /// the same fields the shared code writes, is built here from the claimed row; the events table's
    /// trigger sends the NOTIFY).
    /// </remarks>
    private protected override async Task<RunLease?> TryClaimAsync(string workerId, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var claim = Command(connection,
            "WITH claimed AS (" + ClaimUpdateSql + "), " +
            "started AS (INSERT INTO events (at, type, target, run_id, data) SELECT @now, @type, target, id, " +
            "'{\"run_id\":' || id || ',\"target\":' || to_json(target) || ',\"attempt\":' || attempt || " +
            "',\"trigger\":' || to_json(trigger) || ',\"worker\":' || to_json(@worker::text) || '}' FROM claimed) " +
            "SELECT * FROM claimed");
        Add(claim, "@worker", workerId);
        Add(claim, "@expires", ToDbTime(now + leaseDuration));
        Add(claim, "@now", ToDbTime(now));
        Add(claim, "@type", EventTypes.RunStarted);
        RunLease? lease = null;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                lease = ReadLease(reader);
            }
        }

        if (lease is not null)
        {
            EventSignal.Pulse();
        }

        return lease;
    }
}
