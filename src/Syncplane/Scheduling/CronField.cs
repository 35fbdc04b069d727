namespace Syncplane.Scheduling;

/// <summary>One of the five fields of a cron expression: where it is, its range and its names.</summary>
internal sealed class CronField
{
    public static readonly CronField Minute = new(1, "minute", 0, 59, null);
    public static readonly CronField Hour = new(2, "hour", 0, 23, null);
    public static readonly CronField DayOfMonth = new(3, "day-of-month", 1, 31, null);
    public static readonly CronField Month = new(4, "month", 1, 12,
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]);

    /// <summary>0 and 7 are both Sunday.</summary>
    public static readonly CronField DayOfWeek = new(5, "day-of-week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]);

    public static readonly IReadOnlyList<CronField> All = [Minute, Hour, DayOfMonth, Month, DayOfWeek];

    private CronField(int position, string name, int min, int max, string[]? names)
    {
        Position = position;
        Name = name;
        Min = min;
        Max = max;
        Names = names;
    }

    /// <summary>1-based position in the expression.</summary>
    public int Position { get; }

    public string Name { get; }

    public int Min { get; }

    public int Max { get; }

    /// <summary>Names for the values from <see cref="Min"/> upwards, or null when the field has none.</summary>
    public string[]? Names { get; }

    /// <summary>The prefix every error about this field starts with.</summary>
    public string Where => $"field {Position} ({Name})";

    /// <summary>The value a name stands for, or -1.</summary>
    public int ValueOfName(string name)
    {
        if (Names is null)
        {
            return -1;
        }

        var index = Array.FindIndex(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? -1 : Min + index;
    }
}
