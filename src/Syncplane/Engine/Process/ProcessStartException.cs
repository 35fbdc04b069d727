namespace Syncplane.Engine.Process;

/// <summary>A program could not be started: it or its working directory is missing, or it is not executable.</summary>
public sealed class ProcessStartException : Exception
{
    /// <summary>Creates the exception with a message that names the program and the reason.</summary>
    public ProcessStartException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
