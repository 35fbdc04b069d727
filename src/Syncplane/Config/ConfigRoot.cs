namespace Syncplane.Config;

/// <summary>
/// The directory every relative path of a config resolves against: <c>root:</c> when set (relative to the
/// config file's directory), else the config file's directory, or its parent when that directory is a
/// dot-directory such as <c>.insightpulse/</c> (a config there describes the repository around it).
/// </summary>
internal static class ConfigRoot
{
    public static string Resolve(ConfigNode root, ConfigReader reader, string configDirectory)
    {
        if (reader.Text(root, "root") is { } text)
        {
            var explicitRoot = Path.GetFullPath(text, configDirectory);
            if (!Directory.Exists(explicitRoot))
            {
                reader.Error(root["root"]!, $"root '{text}' is {explicitRoot}, which is not a directory; it is relative to the config file's directory");
            }

            return explicitRoot;
        }

        return Path.GetFileName(configDirectory).StartsWith('.') && Path.GetDirectoryName(configDirectory) is { } parent
            ? parent
            : configDirectory;
    }
}
