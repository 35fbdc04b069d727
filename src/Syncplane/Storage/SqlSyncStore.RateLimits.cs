using Syncplane.Engine.Policies;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    /// <remarks>
    /// One write transaction: create the row full if it is missing, read it under a row lock (PostgreSQL
    /// <c>FOR UPDATE</c>; SQLite's write transaction already excludes other writers), apply the
    /// <see cref="TokenBucket"/> arithmetic, write the result. The refill instant is stored rounded up to
    /// the microsecond the store keeps, so rounding can only withhold credit, never invent it.
    /// </remarks>
    public async Task<BucketTake> TakeTokensAsync(string bucket, RateLimit limit, long count, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, limit.Capacity);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var create = Command(transaction,
            "INSERT INTO rate_limit_buckets (key, tokens, last_refill) VALUES (@key, @tokens, @now) ON CONFLICT (key) DO NOTHING"))
        {
            Add(create, "@key", bucket);
            Add(create, "@tokens", limit.Capacity);
            Add(create, "@now", ToDbTime(UpToMicrosecond(now)));
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        TokenBucketState stored;
        await using (var read = Command(transaction, "SELECT tokens, last_refill FROM rate_limit_buckets WHERE key = @key" + LockRowSql))
        {
            Add(read, "@key", bucket);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            stored = new TokenBucketState(reader.GetInt64(0), ReadTime(reader, 1));
        }

        var result = new TokenBucket(limit, stored).TryTake(now, count);
        var state = result.Bucket.State;
        if (state != stored)
        {
            await using var write = Command(transaction, "UPDATE rate_limit_buckets SET tokens = @tokens, last_refill = @refill WHERE key = @key");
            Add(write, "@key", bucket);
            Add(write, "@tokens", state.Tokens);
            Add(write, "@refill", ToDbTime(UpToMicrosecond(state.LastRefill)));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new BucketTake(result.Granted, result.RetryAt);
    }

    private static DateTimeOffset UpToMicrosecond(DateTimeOffset value)
    {
        var cut = ToMicroseconds(value);
        return cut < value ? cut.AddTicks(TimeSpan.TicksPerMicrosecond) : cut;
    }
}
