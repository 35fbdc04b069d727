using System.Diagnostics;
using System.Net;
using System.Text;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>A real <c>syncplane serve</c>: a token in a URL is refused outside the event stream and never appears in what the process prints.</summary>
public sealed class ServeQueryTokenTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ServeQueryTokenTests() => _dir.Write("syncplane.yaml", """
        targets:
          docs: { entrypoint: "true" }
        """);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task QueryStringTokens_AreRefusedOutsideTheStream_AndNeverLogged()
    {
        var created = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "browser", "--role", "admin");
        Assert.True(created.ExitCode == 0, created.All);
        var token = created.Stdout.Trim();
        var query = "access_token=" + Uri.EscapeDataString(token);

        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "serve", "--urls", "http://127.0.0.1:0"))!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(object sender, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.IndexOf("listening on ", StringComparison.Ordinal) is { } at and >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + "listening on ".Length)..].Split(',')[0].Trim()));
            }
        }

        serve.OutputDataReceived += Collect;
        serve.ErrorDataReceived += Collect;
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)), Timeout = TimeSpan.FromSeconds(30) };
            using (var stream = await client.GetAsync($"/api/v1/events?{query}", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            }

            using var targets = await client.GetAsync($"/api/v1/targets?{query}");
            using var sync = await client.PostAsync($"/api/v1/targets/docs/sync?{query}", null);
            using var wrong = await client.GetAsync($"/api/v1/events?access_token={token[..^2]}", HttpCompletionOption.ResponseHeadersRead);

            Assert.Equal(HttpStatusCode.Unauthorized, targets.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, sync.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            await SyncplaneCli.TerminateAsync(serve, TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }

        serve.WaitForExit(); // flushes the redirected output
        lock (output)
        {
            Assert.Contains("serve: stopped", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(token[..^2], output.ToString(), StringComparison.Ordinal);
        }

        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--json");
        Assert.Equal("[]", history.Stdout.Trim());
    }
}
