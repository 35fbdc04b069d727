using System.Data.Common;
using System.Globalization;
using Syncplane.Storage.Rollups;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<long> FoldRunRollupsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FoldRunRollupsAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Adds the finished runs waiting in <c>run_rollup_pending</c> to the rollups and deletes them, in transactions of at
    /// most <see cref="RollupFolding.ChunkSize"/> runs (see <see cref="RollupFolding"/>); returns how many. Every reader of
    /// run rollups calls it first on its connection.
    /// </summary>
    private protected async Task<long> FoldRunRollupsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        long total = 0;
        long folded;
        do
        {
            folded = await FoldRunRollupChunkAsync(connection, cancellationToken);
            total += folded;
        }
        while (folded == RollupFolding.ChunkSize);

        return total;
    }

    /// <summary>One fold of at most <see cref="RollupFolding.ChunkSize"/> pending runs, in its own transaction; returns how many.</summary>
    private protected virtual async Task<long> FoldRunRollupChunkAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Readers find nothing pending most of the time: they do not take the write lock for it.
        await using (var any = Command(connection, "SELECT EXISTS (SELECT 1 FROM run_rollup_pending)"))
        {
            if (Convert.ToInt64(await any.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
            {
                return 0;
            }
        }

        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        long last;
        await using (var chunk = Command(transaction, $"SELECT MAX(rowid) FROM (SELECT rowid FROM run_rollup_pending ORDER BY rowid LIMIT {RollupFolding.ChunkSize})"))
        {
            var value = await chunk.ExecuteScalarAsync(cancellationToken);
            if (value is null or DBNull)
            {
                return 0; // another process folded them between the check and the lock
            }

            last = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }

        await using (var fold = Command(transaction, RollupFolding.SqliteFold + "\n" + TargetRunFacts.SqliteFold))
        {
            Add(fold, "@last", last);
            await fold.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = Command(transaction, "DELETE FROM run_rollup_pending WHERE rowid <= @last");
        Add(delete, "@last", last);
        var folded = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return folded;
    }
}
