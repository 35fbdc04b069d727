using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Syncplane.Server.Api;

/// <summary>Page sizes and opaque cursors for large lists: <c>?limit=</c> (default 100, at most 1000) and <c>?cursor=</c>.</summary>
internal static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The requested page size, or a 400 problem when it is not a number from 1 to <see cref="MaxLimit"/>.</summary>
    public static bool TryLimit(string? text, out int limit, out IResult? problem)
    {
        problem = null;
        limit = DefaultLimit;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit)
        {
            return true;
        }

        problem = Problems.BadRequest($"limit must be a whole number from 1 to {MaxLimit}, not '{text}'");
        return false;
    }

    /// <summary>An opaque cursor for <paramref name="position"/>.</summary>
    public static string Encode(string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position in a cursor; false when it is not one this server made.</summary>
    public static bool TryDecode(string cursor, out string position)
    {
        position = string.Empty;
        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        try
        {
            position = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A cursor made from an id (<see cref="Encode"/>), or a 400 problem.</summary>
    public static bool TryDecodeId(string? cursor, out long? id, out IResult? problem)
    {
        id = null;
        problem = null;
        if (cursor is null)
        {
            return true;
        }

        if (TryDecode(cursor, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            id = parsed;
            return true;
        }

        problem = Problems.BadRequest("cursor is not one this server returned; pass the next_cursor of the previous page");
        return false;
    }

    public static string EncodeId(long id) => Encode(id.ToString(CultureInfo.InvariantCulture));
}
