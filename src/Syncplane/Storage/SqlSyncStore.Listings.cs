using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    // Listings saved before each side became one compressed value (ListingCodec) kept their items as item_index rows
    // under these sides; they are read once and removed by the next save.
    private const string ListingSourceSide = "listing:source";
    private const string ListingDestinationSide = "listing:destination";

    /// <inheritdoc />
    public async Task<StoredListing?> GetListingAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        string sourceRoot, destinationRoot;
        byte[]? sourceItems, destinationItems;
        await using (var connection = await OpenAsync(cancellationToken))
        await using (var command = Command(connection, "SELECT source_root, destination_root, source_items, destination_items FROM listings WHERE target = @target"))
        {
            Add(command, "@target", target);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (sourceRoot, destinationRoot) = (reader.GetString(0), reader.GetString(1));
            sourceItems = reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2);
            destinationItems = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
        }

        if (sourceItems is not null && destinationItems is not null)
        {
            return new StoredListing(sourceRoot, destinationRoot, ListingCodec.Read(sourceItems), ListingCodec.Read(destinationItems));
        }

        return new StoredListing(
            sourceRoot,
            destinationRoot,
            ListedSide.Of(await GetItemIndexAsync(target, ListingSourceSide, cancellationToken)),
            ListedSide.Of(await GetItemIndexAsync(target, ListingDestinationSide, cancellationToken)));
    }

    /// <inheritdoc />
    public async Task<ListingDigests?> GetListingDigestsAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT source_root, destination_root, substr(source_items, 1, {ListingCodec.HeaderLength}), substr(destination_items, 1, {ListingCodec.HeaderLength}) FROM listings WHERE target = @target");
        Add(command, "@target", target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(2) || reader.IsDBNull(3))
        {
            return null;
        }

        return (ListingCodec.ReadHeader((byte[])reader.GetValue(2)), ListingCodec.ReadHeader((byte[])reader.GetValue(3))) is ({ } source, { } destination)
            ? new ListingDigests(reader.GetString(0), reader.GetString(1), source.Digest, destination.Digest, source.InSync && destination.InSync)
            : null;
    }

    /// <inheritdoc />
    public async Task<ListingDigests> SaveListingAsync(string target, Listing listing, StoredListing? previous, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(listing);
        var inSync = StoredListing.InSync(listing, previous);
        var source = Task.Run(() => ListingCodec.Encode(listing.Source, inSync, previous?.Source), cancellationToken);
        var destination = ListingCodec.Encode(listing.Destination, inSync, previous?.Destination);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var legacy = Command(transaction, "DELETE FROM item_index WHERE target = @target AND side IN (@source_side, @destination_side)"))
        {
            Add(legacy, "@target", target);
            Add(legacy, "@source_side", ListingSourceSide);
            Add(legacy, "@destination_side", ListingDestinationSide);
            await legacy.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var row = Command(transaction,
            "INSERT INTO listings (target, source_root, destination_root, saved_at, source_items, destination_items) " +
            "VALUES (@target, @source, @destination, @now, @source_items, @destination_items) " +
            "ON CONFLICT (target) DO UPDATE SET source_root = excluded.source_root, destination_root = excluded.destination_root, " +
            "saved_at = excluded.saved_at, source_items = excluded.source_items, destination_items = excluded.destination_items");
        Add(row, "@target", target);
        Add(row, "@source", listing.SourceRoot);
        Add(row, "@destination", listing.DestinationRoot);
        Add(row, "@now", ToDbTime(Time.GetUtcNow()));
        Add(row, "@source_items", (await source).Value);
        Add(row, "@destination_items", destination.Value);
        await row.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ListingDigests(listing.SourceRoot, listing.DestinationRoot, (await source).Digest, destination.Digest, inSync);
    }
}
