using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Syncplane.Server.Telemetry;

/// <summary>Registers the node's OpenTelemetry providers: its meter for <c>/metrics</c> (and OTLP), and traces over OTLP when configured.</summary>
internal static class TelemetryServices
{
    public static void AddSyncplaneTelemetry(this IServiceCollection services, SyncplaneMetrics metrics)
    {
        var telemetry = services.AddOpenTelemetry().ConfigureResource(OtlpExport.Resource).WithMetrics(m => OtlpExport.AddMetrics(m
            .AddMeter(SyncplaneMetrics.MeterName)
            // Meters are process-wide: several nodes in one process (tests) would otherwise report each other's numbers.
            .AddView(instrument => ReferenceEquals(instrument.Meter, metrics.Meter) ? null : MetricStreamConfiguration.Drop)
            // Every scrape reads the instruments afresh; they read memory, so there is nothing to cache.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)));
        if (OtlpExport.TracesConfigured)
        {
            telemetry.WithTracing(t => OtlpExport.AddTracing(t));
        }
    }
}
