namespace Syncplane.Server.Api;

/// <summary>
/// <c>{"items":[…],"next_cursor":…}</c> from items already serialized: a 1,000-target page is copied into one array,
/// not serialized again, when its items were kept (<see cref="TargetTelemetryCache"/>).
/// </summary>
internal static class JsonItemsBody
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The body, from each item's JSON and the next cursor's JSON string (null leaves the member out, as the API leaves nulls out).</summary>
    public static byte[] Of(byte[][] items, byte[]? nextCursor)
    {
        ReadOnlySpan<byte> head = "{\"items\":["u8;
        ReadOnlySpan<byte> cursor = "],\"next_cursor\":"u8;
        ReadOnlySpan<byte> tail = "]}"u8;
        var length = head.Length + Math.Max(0, items.Length - 1) + (nextCursor is null ? tail.Length : cursor.Length + nextCursor.Length + 1);
        foreach (var item in items)
        {
            length += item.Length;
        }

        var body = new byte[length];
        var at = Append(body, 0, head);
        for (var i = 0; i < items.Length; i++)
        {
            at = Append(body, i > 0 ? Append(body, at, ","u8) : at, items[i]);
        }

        at = nextCursor is null ? Append(body, at, tail) : Append(body, Append(body, at, cursor), nextCursor);
        if (nextCursor is not null)
        {
            Append(body, at, "}"u8);
        }

        return body;
    }

    private static int Append(byte[] body, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(body.AsSpan(at));
        return at + bytes.Length;
    }
}
