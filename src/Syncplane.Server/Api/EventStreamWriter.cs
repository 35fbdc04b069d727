using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Syncplane.Events;

namespace Syncplane.Server.Api;

/// <summary>
/// Writes events in the Server-Sent Events format (<c>id:</c>, <c>event:</c>, <c>data:</c>, blank line) to a
/// response, flushing after each burst, with a comment line when the stream has been idle for a while.
/// </summary>
internal sealed class EventStreamWriter(PipeWriter output, TimeProvider time, TimeSpan keepAlive)
{
    private static readonly byte[] KeepAliveComment = ": keepalive\n\n"u8.ToArray();

    /// <summary>The id of the last event written; live events at or below it are skipped.</summary>
    public long LastSent { get; set; }

    /// <summary>Events written since the last flush.</summary>
    public int Pending { get; private set; }

    /// <summary>Tells the browser to reconnect after 2 s when the stream ends.</summary>
    public async Task WriteRetryAsync(CancellationToken cancellationToken)
    {
        output.Write("retry: 2000\n\n"u8);
        await output.FlushAsync(cancellationToken);
    }

    public void Write(SyncEvent e)
    {
        output.Write(Frames.GetValue(e, Frame));
        LastSent = Math.Max(LastSent, e.Id);
        Pending++;
    }

    // One event's frame, built once however many streams write it (the hub hands every subscriber the same instance).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SyncEvent, byte[]> Frames = [];

    private static byte[] Frame(SyncEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (e.Data?.Length ?? 0));
        Span<byte> number = stackalloc byte[20];
        buffer.Write("id: "u8);
        e.Id.TryFormat(number, out var length, default, CultureInfo.InvariantCulture);
        buffer.Write(number[..length]);
        buffer.Write("\nevent: "u8);
        buffer.Write(Encoding.UTF8.GetBytes(e.Type));
        buffer.Write("\ndata: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            EventJson.Write(json, e);
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Pending = 0;
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>Streams live events until the client goes away or the subscription ends (throws when it was dropped as slow).</summary>
    public async Task PumpAsync(ChannelReader<SyncEvent> reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            while (reader.TryRead(out var e))
            {
                if (e.Id > LastSent)
                {
                    Write(e);
                }
            }

            if (Pending > 0)
            {
                await FlushAsync(cancellationToken);
            }

            using var idle = new CancellationTokenSource(keepAlive, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token))
                {
                    return; // the hub stopped: the node is shutting down
                }
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                output.Write(KeepAliveComment);
                await output.FlushAsync(cancellationToken);
            }
        }
    }
}

/// <summary>The JSON shape of an event: <c>{"id","type","at","target","run_id","data":{…}}</c>.</summary>
internal static class EventJson
{
    public static void Write(Utf8JsonWriter json, SyncEvent e)
    {
        json.WriteStartObject();
        json.WriteNumber("id"u8, e.Id);
        json.WriteString("type"u8, e.Type);
        json.WriteString("at"u8, e.At.UtcDateTime);
        if (e.Target is null)
        {
            json.WriteNull("target"u8);
        }
        else
        {
            json.WriteString("target"u8, e.Target);
        }

        if (e.RunId is { } runId)
        {
            json.WriteNumber("run_id"u8, runId);
        }
        else
        {
            json.WriteNull("run_id"u8);
        }

        json.WritePropertyName("data"u8);
        json.WriteRawValue(string.IsNullOrEmpty(e.Data) ? "{}" : e.Data);
        json.WriteEndObject();
    }

    /// <summary>The same shape as a JSON node, for JSON responses.</summary>
    public static JsonNode ToObject(SyncEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, e);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!;
    }
}
