using System.Data.Common;
using System.Globalization;

namespace Syncplane.Storage.Postgres;

internal sealed partial class PostgresSyncStore
{
    /// <inheritdoc />
    /// <remarks>One round trip: <c>syncplane_fold_run_rollups(max_rows)</c> (migration 16) checks, locks, folds and deletes in its own transaction.</remarks>
    private protected override async Task<long> FoldRunRollupChunkAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var fold = Command(connection, $"SELECT syncplane_fold_run_rollups({Rollups.RollupFolding.ChunkSize})");
        return Convert.ToInt64(await fold.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
