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
    /// Adds the finished runs waiting in <c>run_rollup_pending</c> to the rollups and deletes them, in one transaction
    /// (see <see cref="RollupFolding"/>); returns how many. Every reader of run rollups calls it first on its connection.
    /// </summary>
    private protected virtual async Task<long> FoldRunRollupsAsync(DbConnection connection, CancellationToken cancellationToken)
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
        await using (var fold = Command(transaction, RollupFolding.SqliteFold))
        {
            await fold.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = Command(transaction, "DELETE FROM run_rollup_pending");
        var folded = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return folded;
    }
}
