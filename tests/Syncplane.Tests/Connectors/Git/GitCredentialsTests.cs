using System.Net;
using System.Net.Sockets;
using System.Text;
using Syncplane.Connectors.Git;

namespace Syncplane.Tests.Connectors.Git;

/// <summary>Credentials reach the server as an HTTP header but never the log, the command line or the clone's config.</summary>
public sealed class GitCredentialsTests : IDisposable
{
    private const string Token = "tok-S3CRET-4711";
    private readonly GitTestBed _bed = new();
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);

    public GitCredentialsTests() => _server.Start();

    public void Dispose()
    {
        _server.Stop();
        _bed.Dispose();
    }

    [Fact]
    public async Task UpdateAsync_Token_SentAsBasicHeaderAndNeverLogged()
    {
        var url = $"http://127.0.0.1:{((IPEndPoint)_server.LocalEndpoint).Port}/acme/repo.git";
        var headers = AnswerNotFoundAsync();
        var options = new GitSourceOptions(url, url) { Branch = "main", Token = "${env:GIT_TOKEN}" };
        var source = _bed.Source(options, name => name == "GIT_TOKEN" ? Token : null);

        await Assert.ThrowsAsync<GitException>(() => source.UpdateAsync(CancellationToken.None));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{Token}"));
        Assert.Contains($"Authorization: Basic {basic}", await headers, StringComparer.OrdinalIgnoreCase);
        var everything = _bed.Log.Text;
        Assert.DoesNotContain(Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(basic, everything, StringComparison.Ordinal);
        Assert.Contains(_bed.Log.Lines, l => l.Message == $"$ git remote add origin {url}");
        var config = File.ReadAllText(Path.Combine(source.RepositoryDirectory, ".git", "config"));
        Assert.DoesNotContain(Token, config, StringComparison.Ordinal);
        Assert.DoesNotContain(basic, config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_UnsetSecret_FailsBeforeRunningGit()
    {
        var options = new GitSourceOptions("https://example.invalid/r.git", "https://example.invalid/r.git") { Token = "${env:GIT_TOKEN}" };

        var ex = await Assert.ThrowsAsync<Syncplane.Config.SecretException>(() => _bed.Source(options).UpdateAsync(CancellationToken.None));

        Assert.Contains("GIT_TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_bed.Log.Lines, l => l.Message.StartsWith("$ git", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_TokenWithLocalPath_ClonesWithoutUsingIt()
    {
        var head = _bed.Upstream.Commit("one", ("f.txt", "x"));
        var options = _bed.Options(o => o with { Token = "${env:GIT_TOKEN}" });
        var source = _bed.Source(options, name => name == "GIT_TOKEN" ? Token : null);

        var sha = await source.UpdateAsync(CancellationToken.None);

        Assert.Equal(head, sha);
        Assert.Contains(_bed.Log.Lines, l => l.Message.Contains("credentials are sent only to http(s) URLs", StringComparison.Ordinal));
        Assert.DoesNotContain(Token, _bed.Log.Text, StringComparison.Ordinal);
    }

    /// <summary>Answers the first HTTP request with 404 and returns its header lines.</summary>
    private async Task<List<string>> AnswerNotFoundAsync()
    {
        using var client = await _server.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        return lines;
    }
}
