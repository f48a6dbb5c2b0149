using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>The Kubernetes target (<c>ClaudeBottle:Publish:Target=kubernetes</c>): objects for <c>kubectl apply</c>.</summary>
public sealed class KubernetesDeployment(IReadOnlyList<ResolvedBottle> bottles, KubernetesSettings settings) : IBottleDeployment
{
    public string Title => "Kubernetes deployment";

    public string MainFile => KubernetesPublisher.NamespacesFile;

    public IReadOnlyList<ResolvedBottle> Bottles => bottles;

    public KubernetesSettings Settings => settings;

    public async Task<int> WriteAsync(string output, CancellationToken cancellationToken)
    {
        var files = KubernetesPublisher.Publish(bottles, settings);
        await Write(output, files, cancellationToken);
        return files.Count;
    }

    /// <summary>
    /// Replaces what an earlier publish wrote: the namespaces file and the bottles' folder entirely; in the secrets and
    /// volumes folders only the examples and the .gitignore, since the operator's filled-in copies live there too.
    /// </summary>
    public static async Task Write(string output, SortedDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        var bottles = Path.Join(output, KubernetesPublisher.BottlesDirectory);
        if (Directory.Exists(bottles))
            Directory.Delete(bottles, recursive: true);
        File.Delete(Path.Join(output, KubernetesPublisher.NamespacesFile));
        foreach (var folder in new[] { KubernetesPublisher.SecretsDirectory, KubernetesPublisher.VolumesDirectory }.Select(f => Path.Join(output, f)))
            if (Directory.Exists(folder))
                foreach (var file in Directory.EnumerateFiles(folder, "*" + KubernetesPublisher.ExampleSuffix).Append(Path.Join(folder, ".gitignore")))
                    File.Delete(file);
        foreach (var (path, content) in files)
        {
            var full = Path.Join(output, path);
            var folder = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(folder);
            // The operator's real values go into this folder: its owner alone may enter it.
            if (path.StartsWith(KubernetesPublisher.SecretsDirectory + "/", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllBytesAsync(full, content, cancellationToken);
        }
    }
}
