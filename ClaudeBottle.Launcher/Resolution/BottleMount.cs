using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>What a bind mount is for; decides its target and whether it is read-only.</summary>
public enum MountKind { Skill, Ssh, Workspace }

/// <summary>
/// A host path bound into the agent container. <see cref="Source"/> is the real path (no symbolic link in it), so that
/// a link swapped in later cannot redirect the mount; <see cref="Origin"/> is what the manifest named and what it led
/// to when the plan was approved, checked again before each container is made.
/// </summary>
public sealed record BottleMount(MountKind Kind, string Source, string Target, bool ReadOnly, ManifestPath? Origin = null);
