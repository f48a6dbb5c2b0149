using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The agents' workspace clones on the engine (<see cref="BottleLabels.CloneRole"/>): a running bottle's, and those
/// whose work could not come back (the repository was gone, the app host died), which nothing removes by itself.
/// </summary>
public static class KeptClones
{
    /// <summary>Every clone volume of the project on the engine, by repository then name.</summary>
    public static async Task<IReadOnlyList<LabelledObject>> ListAsync(IContainerEngine engine, CancellationToken ct) =>
        [.. (await ProjectVolumes.OfRoleAsync(engine, BottleLabels.CloneRole, ct))
            .OrderBy(v => v.Labels.GetValueOrDefault(BottleLabels.Repository), StringComparer.Ordinal)
            .ThenBy(v => v.Name, StringComparer.Ordinal)];

    /// <summary>A line a person reads for one clone: its agent, branch, repository and volume.</summary>
    public static string Describe(LabelledObject volume) =>
        $"{Label(volume, BottleLabels.Agent)}  {Label(volume, BottleLabels.Branch)}  {Label(volume, BottleLabels.Repository)}  (volume {volume.Name})";

    /// <summary>How to bring one back by hand, from its labels; null when a label it needs is missing.</summary>
    public static string? Recovery(LabelledObject volume) =>
        volume.Labels.GetValueOrDefault(BottleLabels.GitImage) is { Length: > 0 } image
        && volume.Labels.GetValueOrDefault(BottleLabels.Repository) is { Length: > 0 } repository
        && volume.Labels.GetValueOrDefault(BottleLabels.Branch) is { Length: > 0 } branch
            ? Recovery(volume.Name, image, repository, branch)
            : null;

    /// <summary>How a person brings back the work of a kept clone: a bundle of it, made with the image's git, fetched into the repository.</summary>
    public static string Recovery(string volume, string image, string repository, string branch) =>
        $"Bring it back by hand: docker run --rm --network none -v {volume}:/workspace:ro --entrypoint git {image} " +
        $"-C /workspace bundle create - --all > work.bundle; then, in {repository}: git fetch work.bundle " +
        $"'+HEAD:refs/heads/{branch}'; then docker volume rm {volume}";

    private static string Label(LabelledObject volume, string key) => volume.Labels.GetValueOrDefault(key) ?? "?";
}
