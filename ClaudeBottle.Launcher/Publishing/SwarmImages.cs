using System.Text;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// A stack cannot build (swarm ignores <c>build:</c>) and there may be no registry: the images are built on a node by a
/// script of the publish's, and loaded into the others. The standard agent image first: a bottle's own build extends it.
/// </summary>
internal static class SwarmImages
{
    public static byte[] BuildScript(IReadOnlyDictionary<string, ComposeBuild> builds, ComposeFile stack)
    {
        var text = new StringBuilder();
        text.Append("#!/bin/sh\n")
            .Append("# Builds the stack's images on this node; `sh build-images.sh save | ssh NODE docker load` copies them to another.\n")
            .Append("set -eu\ncd \"$(dirname \"$0\")\"\n")
            .Append("images='").Append(string.Join(' ', stack.Services.Values.Select(s => s.Image!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)))
            .Append("'\n")
            .Append("if [ \"${1:-}\" = save ]; then exec docker save $images; fi\n");
        foreach (var (image, build) in builds.OrderBy(b => b.Value.Context == "./images/agent" ? 0 : 1).ThenBy(b => b.Key, StringComparer.Ordinal))
        {
            text.Append("docker build -t ").Append(Quote(image));
            if (build.Dockerfile is { } dockerfile)
                text.Append(" -f ").Append(Quote($"{build.Context}/{dockerfile}"));
            foreach (var (name, value) in build.Args ?? [])
                text.Append(" --build-arg ").Append(Quote($"{name}={value}"));
            text.Append(' ').Append(Quote(build.Context)).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
