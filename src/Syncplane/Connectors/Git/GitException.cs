namespace Syncplane.Connectors.Git;

/// <summary>A git command failed; the message names the command (as displayed, without credentials) and git's own words.</summary>
public sealed class GitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GitException(string message)
        : base(message)
    {
    }
}
