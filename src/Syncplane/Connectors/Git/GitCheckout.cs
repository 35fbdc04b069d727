using System.Globalization;
using System.Text;
using Syncplane.Config;
using Syncplane.Engine;

namespace Syncplane.Connectors.Git;

/// <summary>
/// Brings a private clone up to date with the configured ref: <c>git init</c> + <c>remote add</c> the first
/// time, then <c>fetch --depth N origin REF</c>, <c>checkout --force --detach</c>, <c>clean -ffdx</c>.
/// </summary>
/// <remarks>
/// Credentials are resolved here, at run time, and handed to git only through the environment
/// (GIT_CONFIG_COUNT/KEY/VALUE setting <c>http.&lt;url&gt;.extraHeader</c>, scoped to the configured URL),
/// so they are neither on the command line nor written to the clone's <c>.git/config</c>. Other URLs (SSH,
/// local paths) get no credentials: SSH uses the user's keys. Every command
/// is logged with the URL as written in the config. Each fetch is one call to the remote and takes one token
/// from the target's <paramref name="budget"/> first; local commands (checkout, clean) take none.
/// </remarks>
internal sealed class GitCheckout(GitCli git, GitSourceOptions options, SecretResolver secrets, IRunLog log, IUpstreamBudget budget)
{
    /// <summary>Updates (or creates) the clone in <paramref name="repository"/> and returns the checked-out commit SHA.</summary>
    /// <exception cref="GitException">A git command failed.</exception>
    /// <exception cref="SecretException">A credential reference could not be resolved.</exception>
    public async Task<string> UpdateAsync(string repository, CancellationToken cancellationToken)
    {
        var credentials = CredentialEnvironment();
        await EnsureRepositoryAsync(repository, cancellationToken);

        var target = "FETCH_HEAD";
        await budget.TakeAsync(cancellationToken);
        var fetch = await git.RunAsync(repository, FetchArguments(repository, options.FetchRef), log, cancellationToken, credentials);
        if (!fetch.Succeeded)
        {
            if (options.Commit is null)
            {
                throw GitCli.Failure(FetchArguments(repository, options.FetchRef), fetch);
            }

            // Some servers refuse to serve a commit by SHA; fetch every branch and find it locally.
            log.Warn($"the server did not serve commit {options.Commit} directly; fetching all branches");
            var all = new List<string> { "fetch", "--quiet", "--no-tags" };
            all.AddRange(File.Exists(Path.Combine(repository, ".git", "shallow")) ? ["--unshallow"] : []);
            all.Add("origin");
            await budget.TakeAsync(cancellationToken);
            await git.RunCheckedAsync(repository, all, log, cancellationToken, credentials);
            target = options.Commit;
        }

        await git.RunCheckedAsync(repository, ["checkout", "--quiet", "--force", "--detach", target], log, cancellationToken);
        await git.RunCheckedAsync(repository, ["clean", "-ffdxq"], log, cancellationToken);
        var sha = await git.RunCheckedAsync(repository, ["rev-parse", "HEAD"], log, cancellationToken);
        if (options.Commit is not null && !sha.Equals(options.Commit, StringComparison.OrdinalIgnoreCase))
        {
            throw new GitException($"checked out {sha}, but the config asks for commit {options.Commit}");
        }

        log.Info($"git source {options.DisplayUrl}: {options.Describe()} is at {sha}");
        return sha;
    }

    private async Task EnsureRepositoryAsync(string repository, CancellationToken cancellationToken)
    {
        var gitDirectory = Path.Combine(repository, ".git");
        if (System.IO.Directory.Exists(gitDirectory))
        {
            // The clone is private to this target and one run per target runs at a time, so a lock file
            // here is what a killed git left behind.
            foreach (var stale in System.IO.Directory.EnumerateFiles(gitDirectory, "*.lock"))
            {
                File.Delete(stale);
            }

            var setUrl = await git.RunAsync(repository, ["remote", "set-url", "origin", options.Url], log, cancellationToken,
                display: ["remote", "set-url", "origin", options.DisplayUrl]);
            if (setUrl.Succeeded)
            {
                return;
            }

            log.Warn($"the clone in {repository} is unusable ({setUrl.Tail(1)}); cloning afresh");
        }

        if (System.IO.Directory.Exists(repository))
        {
            // What an interrupted first clone, or an unusable clone, left behind.
            System.IO.Directory.Delete(repository, recursive: true);
        }

        System.IO.Directory.CreateDirectory(repository);
        await git.RunCheckedAsync(repository, ["init", "--quiet"], log, cancellationToken);
        await git.RunCheckedAsync(repository, ["remote", "add", "origin", options.Url], log, cancellationToken,
            display: ["remote", "add", "origin", options.DisplayUrl]);
    }

    private List<string> FetchArguments(string repository, string fetchRef)
    {
        var arguments = new List<string> { "fetch", "--quiet", "--no-tags" };
        if (options.Depth > 0)
        {
            arguments.Add($"--depth={options.Depth}");
        }
        else if (File.Exists(Path.Combine(repository, ".git", "shallow")))
        {
            arguments.Add("--unshallow");
        }

        arguments.AddRange(["origin", fetchRef]);
        return arguments;
    }

    private Dictionary<string, string?>? CredentialEnvironment()
    {
        if (!options.HasCredentials)
        {
            return null;
        }

        var user = options.Username is null ? "x-access-token" : secrets.Resolve(options.Username);
        var secret = secrets.Resolve(options.Token ?? options.Password!);
        if (!GitSourceOptions.IsHttp(options.Url))
        {
            // Resolved all the same, so a missing secret fails the same way whatever the URL.
            log.Warn($"git source {options.DisplayUrl}: credentials are sent only to http(s) URLs; not using them");
            return null;
        }

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}"));
        // Appended after any GIT_CONFIG_KEY_n the user already passes in the environment.
        var index = int.TryParse(Environment.GetEnvironmentVariable("GIT_CONFIG_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GIT_CONFIG_COUNT"] = (index + 1).ToString(CultureInfo.InvariantCulture),
            [$"GIT_CONFIG_KEY_{index}"] = $"http.{options.Url}.extraHeader",
            [$"GIT_CONFIG_VALUE_{index}"] = $"Authorization: Basic {basic}",
        };
    }
}
