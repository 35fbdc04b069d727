using Syncplane.Config;

namespace Syncplane.Connectors.Directory;

/// <summary>The <c>directory</c> connector: a local folder as a source or a destination.</summary>
/// <remarks>
/// Options: <c>path</c> (required; relative paths are resolved against the config file's directory),
/// <c>include</c> and <c>exclude</c> (glob lists; an exclude of either side of a target holds on both),
/// <c>delete</c> (bool, <value>true</value>), <c>watch</c> (a source only: true, false or <c>{ debounce: 50ms }</c>).
/// </remarks>
internal sealed class DirectoryConnectorFactory : IConnectorFactory
{
    private static readonly string[] Keys = ["path", "include", "exclude", "delete", "watch"];

    public string Type => ConnectorTypes.Directory;

    public bool CanBeSource => true;

    public bool CanBeDestination => true;

    public object? Bind(ConfigNode options, ConfigReader reader)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reader);
        var errorsBefore = reader.Errors.Count;
        if (!reader.Mapping(options, "the directory connector", Keys))
        {
            return null;
        }

        var path = reader.Text(options, "path", required: true);
        if (path is not null && string.IsNullOrWhiteSpace(path))
        {
            reader.Error(options["path"]!, "'path' must not be empty");
        }

        var include = reader.Globs(options, "include");
        var exclude = reader.Globs(options, "exclude");
        var delete = reader.Bool(options, "delete") ?? true;
        var watch = Watch(options, reader);
        if (reader.Errors.Count > errorsBefore || path is null)
        {
            return null;
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(options.File)) ?? Environment.CurrentDirectory;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, baseDirectory));
        return new DirectoryOptions(full, include, exclude, delete) { Watch = watch };
    }

    /// <summary><c>watch: true|false</c>, or <c>watch: { debounce: 50ms }</c> (on, with that debounce).</summary>
    private static WatchOptions? Watch(ConfigNode options, ConfigReader reader)
    {
        if (options["watch"] is not { IsNull: false } node)
        {
            return null;
        }

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            return reader.Bool(options, "watch") is { } on ? (on ? WatchOptions.On : WatchOptions.On with { Enabled = false }) : null;
        }

        if (!reader.Mapping(node, "watch", "debounce") || reader.Duration(node, "debounce") is not { } debounce)
        {
            return WatchOptions.On;
        }

        if (debounce > WatchOptions.MaxDebounce)
        {
            reader.Error(node["debounce"]!, $"'debounce' must be at most {DurationParser.Format(WatchOptions.MaxDebounce)}, found {node["debounce"]!.Value}; the target's schedule is for slower scans");
        }

        return new WatchOptions(true, debounce);
    }

    public IItemSource CreateSource(object options, ConnectorContext context) =>
        new DirectorySource(WithSharedExclude((DirectoryOptions)options, context), context);

    public IItemDestination CreateDestination(object options, ConnectorContext context) =>
        new DirectoryDestination(WithSourceScope(WithSharedExclude((DirectoryOptions)options, context), context), context);

    /// <summary>One side of a bidirectional target; an exclude of either side holds on both, as for a one-way target.</summary>
    internal static DirectoryReplica Replica(DirectoryOptions options, DirectoryOptions other, ConnectorContext context) =>
        new(WithSharedExclude(options, context with { OtherSideOptions = other }), context);

    /// <summary>
    /// A git source with <c>map</c> writes only its mapped paths: the destination then walks only those (the engine
    /// limits the plan to them in any case), unless it has an <c>include</c> of its own.
    /// </summary>
    private static DirectoryOptions WithSourceScope(DirectoryOptions options, ConnectorContext context) =>
        options.Include.Count == 0 && context.OtherSideOptions is Git.GitSourceOptions { Map: { } map } && map.ScopeGlobs() is { } globs
            ? options with { Include = globs }
            : options;

    /// <summary>
    /// An exclude on either side of a directory-to-directory target holds on both, as rsync's <c>--exclude</c>
    /// does: what the source leaves out, the destination never deletes; what the destination leaves out, the
    /// source never writes there.
    /// </summary>
    private static DirectoryOptions WithSharedExclude(DirectoryOptions options, ConnectorContext context) =>
        context.OtherSideOptions is DirectoryOptions { Exclude.Count: > 0 } other
            ? options with { Exclude = [.. options.Exclude, .. other.Exclude.Where(g => !options.Exclude.Any(o => o.Pattern == g.Pattern))] }
            : options;
}
