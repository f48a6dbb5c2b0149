using System.Text;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// The check an operator runs on a manager before <c>docker stack deploy</c>: swarm has no affinity, so a bottle's
/// services share a node only because exactly one node carries its label. With two, pipelock may land away from its
/// edge and their traffic cross nodes in the overlay's unencrypted VXLAN; with none, nothing runs. Swarm cannot refuse
/// either itself, so the script does, naming each label and the command that fixes it.
/// </summary>
internal static class SwarmPlacement
{
    public const string ScriptName = "check-placement.sh";

    public static byte[] Script(IReadOnlyList<ResolvedBottle> bottles)
    {
        var text = new StringBuilder("""
            #!/bin/sh
            # Run on a swarm manager before docker stack deploy: exactly one node must carry each bottle's label, or its
            # services may be spread over nodes (pipelock away from its edge) or never placed. Exits 1 naming each label.
            set -u
            docker node ls -q >/dev/null || { echo "claude-bottle: docker node ls failed: run this on a swarm manager" >&2; exit 1; }
            failed=0
            check() {
              n=$(docker node ls -q --filter "node.label=$1=true" | grep -c .)
              if [ "$n" -ne 1 ]; then
                echo "claude-bottle: $n nodes carry the label $1=true; label exactly one: docker node update --label-add $1=true NODE (--label-rm $1 on the others)" >&2
                failed=1
              fi
            }

            """);
        foreach (var bottle in bottles.Select(b => b.Name).Order(StringComparer.Ordinal))
            text.Append($"check '{SwarmServices.PlacementLabel(bottle)}'\n");
        text.Append("""
            [ "$failed" -eq 0 ] && echo "claude-bottle: each bottle's label is on exactly one node"
            exit "$failed"

            """);
        return Encoding.UTF8.GetBytes(text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
