using Microsoft.Extensions.Hosting;

namespace Syncplane.Server;

/// <summary>
/// Leaves signals to the command that hosts the server: <c>syncplane serve</c> handles SIGTERM / Ctrl+C
/// itself and stops the whole node in order (workers finish or release their runs, then the server stops).
/// </summary>
internal sealed class HostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
