using System.Text;

namespace Syncplane.Engine.Process;

/// <summary>
/// Collects a stream's lines, keeping only the newest <see cref="Capacity"/> characters so a chatty
/// program cannot exhaust memory. Every line still reaches the run log as it arrives.
/// </summary>
internal sealed class OutputBuffer
{
    /// <summary>Characters kept: 1 Mi (the tail is what gates and messages read).</summary>
    public const int Capacity = 1 << 20;

    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void AppendLine(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > 2 * Capacity)
            {
                _text.Remove(0, _text.Length - Capacity);
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.Length > Capacity ? _text.ToString(_text.Length - Capacity, Capacity) : _text.ToString();
        }
    }
}
