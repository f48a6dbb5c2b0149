namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// A host path named by the manifest, as it was when the manifest was loaded: the plan shows <see cref="RealPath"/>,
/// the container mounts it, and it is checked again just before each container is made (<see cref="HostPathRules.Recheck"/>).
/// </summary>
/// <param name="File">The manifest, as the user named it.</param>
/// <param name="JsonPath">Where in the manifest the path is written, e.g. <c>agents.a.workspace</c>.</param>
/// <param name="Written">The path as written.</param>
/// <param name="Full">The written path made absolute (<c>~</c> expanded), before any link is followed.</param>
/// <param name="Approved">The object it led to at load: real path, kind, device and inode.</param>
/// <param name="OutsideManifest">Whether the real path lies outside the manifest's folder; the plan says so.</param>
/// <param name="Use">What it is for: the workspace, an ssh file or a skill.</param>
public sealed record ManifestPath(string File, string JsonPath, string Written, string Full, HostFile Approved, bool OutsideManifest, HostPathUse Use)
{
    public string RealPath => Approved.RealPath;
}
