using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Syncplane.Tests.Support;

/// <summary>A minimal ASP.NET Core app on 127.0.0.1 at a free port, without logging: the host of the fakes of Google's APIs.</summary>
internal sealed class LoopbackWebApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackWebApp(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:PORT</c>, without a trailing slash.</summary>
    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Builds the app, lets <paramref name="map"/> add its handlers, and starts it.</summary>
    public static async Task<LoopbackWebApp> StartAsync(Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackWebApp(app);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
