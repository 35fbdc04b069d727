using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    // A listing's items are item_index rows under sides of their own, written by the same bulk paths as one-way indexes.
    private const string ListingSourceSide = "listing:source";
    private const string ListingDestinationSide = "listing:destination";

    /// <inheritdoc />
    public async Task<Listing?> GetListingAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        string sourceRoot, destinationRoot;
        await using (var connection = await OpenAsync(cancellationToken))
        await using (var command = Command(connection, "SELECT source_root, destination_root FROM listings WHERE target = @target"))
        {
            Add(command, "@target", target);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (sourceRoot, destinationRoot) = (reader.GetString(0), reader.GetString(1));
        }

        var source = GetItemIndexAsync(target, ListingSourceSide, cancellationToken);
        var destination = GetItemIndexAsync(target, ListingDestinationSide, cancellationToken);
        return new Listing(await source, await destination, sourceRoot, destinationRoot);
    }

    /// <inheritdoc />
    public async Task SaveListingAsync(string target, ListingChanges changes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await WriteItemsAsync(transaction, target, ListingSourceSide, [.. changes.SourceUpserts.OrderBy(i => i.Key, StringComparer.Ordinal)], changes.SourceDeletes, cancellationToken);
        await WriteItemsAsync(transaction, target, ListingDestinationSide, [.. changes.DestinationUpserts.OrderBy(i => i.Key, StringComparer.Ordinal)], changes.DestinationDeletes, cancellationToken);
        await using var row = Command(transaction,
            "INSERT INTO listings (target, source_root, destination_root, saved_at) VALUES (@target, @source, @destination, @now) " +
            "ON CONFLICT (target) DO UPDATE SET source_root = excluded.source_root, destination_root = excluded.destination_root, saved_at = excluded.saved_at");
        Add(row, "@target", target);
        Add(row, "@source", changes.SourceRoot);
        Add(row, "@destination", changes.DestinationRoot);
        Add(row, "@now", ToDbTime(Time.GetUtcNow()));
        await row.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
