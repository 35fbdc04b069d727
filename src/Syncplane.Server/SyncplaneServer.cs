using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncplane.Server.Api;
using Syncplane.Server.Dashboard;
using Syncplane.Server.Security;
using Syncplane.Server.Telemetry;

namespace Syncplane.Server;

/// <summary>Builds the ASP.NET Core host: REST API under <c>/api/v1</c>, events, webhooks, health, metrics and the dashboard.</summary>
/// <remarks>The host stays thin: endpoints parse HTTP and call the library; the engine (workers, scheduler) runs beside it.</remarks>
public static class SyncplaneServer
{
    /// <summary>The JSON spelling of the API: snake_case fields, as the seeds' APIs use; timestamps in UTC with a <c>Z</c>.</summary>
    public static void ConfigureJson(JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new UtcTimestampConverter());
    }

    /// <summary>Creates the web application; start it with <c>StartAsync</c> and read the bound addresses from <c>Urls</c>.</summary>
    internal static WebApplication Build(ServerContext context, ServerOptions options, SyncplaneMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, HostLifetime>();
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(context.Time);
        builder.Services.AddSingleton(new WebhookIntake(context));
        builder.Services.AddSingleton(new DocumentCache());
        builder.Services.AddSingleton(new TargetTelemetryCache(context));
        builder.Services.AddSingleton(new TargetListCache());
        builder.Services.AddSingleton(new TokenCache(context.Store, context.Time));
        builder.Services.AddSingleton(new Documents.DocumentEventApplier(context.Config, context.Secrets, context.Store, context.Time));
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        // The host's loggers are cleared, so a request that fails with an exception says so here (path only, message redacted).
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = problem =>
        {
            if (problem.Exception is { } ex)
            {
                Console.Error.WriteLine(
                    $"{context.Time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} serve: {problem.HttpContext.Request.Method} {problem.HttpContext.Request.Path} failed: {ex.GetType().Name}: {context.Secrets.Redact(ex.Message)}");
            }
        });
        builder.Services.AddOpenApi("v1", MetricsEndpoints.Describe);
        builder.Services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddSyncplaneAuthorization();
        builder.Services.AddSyncplaneTelemetry(metrics);
        WithoutDataProtectionAtStart(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(QueryTokens.RefuseOutsideTheEventStream);
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(ProjectGate.InvokeAsync);
        app.MapOpenApi("/api/v1/openapi.json").AllowAnonymous();
        HealthEndpoints.Map(app);
        DashboardEndpoints.Map(app);
        MetricsEndpoints.Map(app);
        var api = app.MapGroup("/api/v1");
        TargetsEndpoints.Map(api);
        RunsEndpoints.Map(api);
        OverviewEndpoints.Map(api);
        AuditEndpoints.Map(api);
        EventsEndpoints.Map(api);
        WebhooksEndpoints.Map(api);
        ChecksEndpoints.Map(api);
        DocumentsEndpoints.Map(api);
        DocumentEventsEndpoints.Map(api);
        AnalyticsEndpoints.Map(api);
        AlertsEndpoints.Map(api);
        WhoAmIEndpoints.Map(api);
        SyncCompatEndpoints.Map(app);
        ConnectionsEndpoints.Map(app);
        return app;
    }

    /// <summary>
    /// Authentication registers ASP.NET Core's data protection, whose hosted service loads (or creates, under ~/.aspnet) a key
    /// ring and initializes OpenSSL when the host starts. Nothing here protects data (tokens are checked against the store, there
    /// are no cookies), so the key ring is left to be made on first use, which does not come.
    /// </summary>
    private static void WithoutDataProtectionAtStart(IServiceCollection services)
    {
        var keyRingAtStart = services.Where(d => d.ServiceType == typeof(IHostedService) &&
            d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList();
        foreach (var descriptor in keyRingAtStart)
        {
            services.Remove(descriptor);
        }
    }
}
