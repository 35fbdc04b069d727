using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Deploy;

/// <summary>
/// deploy/nginx-syncplane.conf in a real nginx (a temp prefix, a self-signed certificate from openssl) in front of a
/// real <c>syncplane serve</c>: <c>nginx -t</c> accepts it, HTTPS reaches /healthz, and live events arrive through it.
/// </summary>
public sealed class NginxProxyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NginxConfig_PassesNginxT_AndProxiesServeOverTls_HealthzAndLiveEvents()
    {
        using var certificate = await SelfSignedCertificateAsync();
        _dir.Write("syncplane.yaml", "targets:\n  docs: { entrypoint: \"true\" }\n");
        var token = (await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "dashboard", "--role", "operator")).Stdout.Trim();
        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "serve", "--urls", "http://127.0.0.1:0"))!;
        Process? nginx = null;
        try
        {
            var upstream = await ListeningOnAsync(serve);
            var (https, http) = (FreePort(), FreePort());
            var config = WriteNginxConfig(upstream, https, http);

            var test = await ExternalTool.RunAsync("nginx", _dir.Path, "-t", "-p", _dir.Combine("nginx"), "-c", config);
            Assert.True(test.ExitCode == 0, test.All);
            Assert.Contains("test is successful", test.All, StringComparison.Ordinal);

            nginx = Process.Start(new ProcessStartInfo("nginx", ["-p", _dir.Combine("nginx"), "-c", config, "-g", "daemon off; master_process off;"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            using var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                // Trust exactly the certificate this test made.
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{https}"), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            Assert.Equal("{\"status\":\"ok\"}", await HealthzWhenUpAsync(client));
            using (var plain = await client.GetAsync($"http://127.0.0.1:{http}/healthz"))
            {
                Assert.Equal(HttpStatusCode.MovedPermanently, plain.StatusCode);
                Assert.Equal($"https://127.0.0.1/healthz", plain.Headers.Location?.ToString());
            }

            await using var events = await SseClient.ConnectAsync(client, "/api/v1/events?target=docs");
            Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
            using (var sync = await client.PostAsync("/api/v1/targets/docs/sync", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);
            }

            // The run's events arrive live through the proxy, each on its own, while the stream stays open.
            await events.WaitForAsync(e => e.Type == "run.started", "run.started through nginx", TimeSpan.FromSeconds(30));
            await events.WaitForAsync(e => e.Type == "run.succeeded", "run.succeeded through nginx", TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (nginx is { HasExited: false })
            {
                nginx.Kill();
                await nginx.WaitForExitAsync();
            }

            nginx?.Dispose();
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task<X509Certificate2> SelfSignedCertificateAsync()
    {
        var made = await ExternalTool.RunAsync(
            "openssl", _dir.Path, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost");
        Assert.True(made.ExitCode == 0, made.All);
        return X509Certificate2.CreateFromPem(File.ReadAllText(_dir.Combine("cert.pem")));
    }

    // The shipped file with only what a test machine needs changed: certificate paths, loopback ports, no IPv6.
    private string WriteNginxConfig(int upstream, int https, int http)
    {
        var site = File.ReadAllText(RepositoryPaths.Combine("deploy", "nginx-syncplane.conf"));
        (string From, string To)[] changes =
        [
            ("/etc/ssl/syncplane/fullchain.pem", _dir.Combine("cert.pem")),
            ("/etc/ssl/syncplane/privkey.pem", _dir.Combine("key.pem")),
            ("server 127.0.0.1:8470;", $"server 127.0.0.1:{upstream};"),
            ("listen 443 ssl http2;", $"listen 127.0.0.1:{https} ssl http2;"),
            ("listen [::]:443 ssl http2;", string.Empty),
            ("listen 80;", $"listen 127.0.0.1:{http};"),
            ("listen [::]:80;", string.Empty),
        ];
        foreach (var (from, to) in changes)
        {
            Assert.Contains(from, site, StringComparison.Ordinal);
            site = site.Replace(from, to, StringComparison.Ordinal);
        }

        var prefix = _dir.Combine("nginx");
        _dir.Write("nginx/site.conf", site);
        return _dir.Write("nginx/nginx.conf", $$"""
            pid {{prefix}}/nginx.pid;
            error_log stderr;
            events {}
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                include {{prefix}}/site.conf;
            }
            """);
    }

    private static async Task<int> ListeningOnAsync(Process serve)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.IndexOf("listening on ", StringComparison.Ordinal) is { } at and >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + "listening on ".Length)..].Split(',')[0].Trim()));
            }
        };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        return (await listening.Task.WaitAsync(TimeSpan.FromSeconds(60))).Port;
    }

    private static async Task<string> HealthzWhenUpAsync(HttpClient client)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await client.GetStringAsync("/healthz");
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100); // nginx is still binding its port
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
