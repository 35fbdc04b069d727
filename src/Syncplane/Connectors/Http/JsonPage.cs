using System.Buffers;
using System.Text.Json;

namespace Syncplane.Connectors.Http;

/// <summary>
/// A page's parsed JSON over its body, which is a buffer rented from <see cref="ArrayPool{T}.Shared"/>: pages of thousands of
/// records are hundreds of kilobytes, and a new array per page would be a large-object allocation (zeroed, and counted
/// toward full collections) for every page. Disposing returns the buffer, so nothing read from the page may outlive it.
/// </summary>
internal sealed class JsonPage : IDisposable
{
    private byte[]? _body;

    private JsonPage(JsonDocument document, byte[] body)
    {
        Document = document;
        _body = body;
    }

    public JsonDocument Document { get; }

    public JsonElement RootElement => Document.RootElement;

    /// <summary>Parses the first <paramref name="length"/> bytes of <paramref name="body"/> (rented); the page owns the buffer from here, also when parsing fails.</summary>
    /// <exception cref="JsonException">The bytes are not JSON.</exception>
    public static JsonPage Parse(byte[] body, int length)
    {
        try
        {
            // The document keeps the buffer (not a copy of it) until it is disposed.
            return new JsonPage(JsonDocument.Parse(body.AsMemory(0, length)), body);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }
    }

    public void Dispose()
    {
        if (_body is { } body)
        {
            _body = null;
            Document.Dispose();
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
