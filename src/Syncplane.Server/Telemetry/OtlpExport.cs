using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Syncplane.Telemetry;

namespace Syncplane.Server.Telemetry;

/// <summary>
/// OTLP export of traces and metrics, on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a per-signal
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>) is set; the exporter reads
/// the other standard <c>OTEL_*</c> variables (headers, timeout, batch and export intervals) itself.
/// </summary>
/// <remarks>
/// The protocol is OTLP/HTTP protobuf (port 4318), the specification's default, unless
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL=grpc</c> (port 4317).
/// </remarks>
public static class OtlpExport
{
    /// <summary>The <c>service.name</c> of every span and metric, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "syncplane";

    /// <summary>True when traces go out over OTLP.</summary>
    public static bool TracesConfigured => Set("OTEL_EXPORTER_OTLP_ENDPOINT") || Set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

    /// <summary>True when metrics go out over OTLP.</summary>
    public static bool MetricsConfigured => Set("OTEL_EXPORTER_OTLP_ENDPOINT") || Set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");

    /// <summary>
    /// A tracer provider exporting the <c>Syncplane</c> spans over OTLP, for processes without a server (<c>syncplane worker</c>,
    /// <c>syncplane run</c>); null when OTLP is not configured. Dispose it to flush what is left.
    /// </summary>
    public static TracerProvider? StartTracing() =>
        TracesConfigured ? AddTracing(Sdk.CreateTracerProviderBuilder()).Build() : null;

    internal static TracerProviderBuilder AddTracing(TracerProviderBuilder tracing) =>
        tracing.ConfigureResource(Resource).AddSource(SyncplaneTracing.SourceName).AddOtlpExporter(Protocol);

    internal static MeterProviderBuilder AddMetrics(MeterProviderBuilder metrics) =>
        MetricsConfigured ? metrics.AddOtlpExporter(Protocol) : metrics;

    // OTEL_SERVICE_NAME, read by the default resource, names the service when set; an explicit AddService would override it.
    internal static void Resource(ResourceBuilder resource)
    {
        if (!Set("OTEL_SERVICE_NAME"))
        {
            resource.AddService(ServiceName);
        }
    }

    private static void Protocol(OtlpExporterOptions options) =>
        options.Protocol = string.Equals(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL"), "grpc", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.Grpc
            : OtlpExportProtocol.HttpProtobuf;

    private static bool Set(string variable) => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));
}
