using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>{"items":[…],"next_cursor":…}</c> from items already serialized, written straight to the response:
/// a 1,000-target page is copied, not serialized again, when its items were kept (<see cref="TargetTelemetryCache"/>).
/// </summary>
/// <param name="items">Each item's JSON.</param>
/// <param name="nextCursor">The next cursor's JSON string, or null to leave the member out (as the API leaves nulls out).</param>
internal sealed class JsonItemsResult(byte[][] items, byte[]? nextCursor) : IResult
{
    public const string ContentType = "application/json; charset=utf-8";

    private static readonly byte[] Head = "{\"items\":["u8.ToArray();
    private static readonly byte[] Cursor = "],\"next_cursor\":"u8.ToArray();
    private static readonly byte[] Tail = "]}"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = Head.Length + items.Sum(i => (long)i.Length) + Math.Max(0, items.Length - 1) +
                                 (nextCursor is null ? Tail.Length : Cursor.Length + nextCursor.Length + 1);
        var writer = response.BodyWriter;
        writer.Write(Head);
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0)
            {
                writer.Write(","u8);
            }

            writer.Write(items[i]);
        }

        if (nextCursor is null)
        {
            writer.Write(Tail);
        }
        else
        {
            writer.Write(Cursor);
            writer.Write(nextCursor);
            writer.Write("}"u8);
        }

        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
