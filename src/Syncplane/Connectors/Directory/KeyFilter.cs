using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>Applies a connector's include and exclude globs to keys, the same way on both sides.</summary>
internal sealed class KeyFilter(IReadOnlyList<Glob> include, IReadOnlyList<Glob> exclude)
{
    public bool IsExcluded(string key)
    {
        // By index: a foreach over the interface would allocate an enumerator for every key of a walk.
        for (var i = 0; i < exclude.Count; i++)
        {
            if (exclude[i].IsMatch(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A file or symlink is visible when it is included and not excluded.</summary>
    public bool IsVisibleLeaf(string key) => Included(key) && !IsExcluded(key);

    /// <summary>
    /// A directory is visible (and walked) when it is not excluded and either matches an include or
    /// something under it could; an excluded directory hides everything under it.
    /// </summary>
    public bool IsVisibleDirectory(string key)
    {
        if (IsExcluded(key))
        {
            return false;
        }

        if (include.Count == 0)
        {
            return true;
        }

        foreach (var glob in include)
        {
            if (glob.IsMatch(key) || glob.CouldMatchUnder(key))
            {
                return true;
            }
        }

        return false;
    }

    private bool Included(string key)
    {
        if (include.Count == 0)
        {
            return true;
        }

        foreach (var glob in include)
        {
            if (glob.IsMatch(key))
            {
                return true;
            }
        }

        return false;
    }
}
