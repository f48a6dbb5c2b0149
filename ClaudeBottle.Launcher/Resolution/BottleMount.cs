namespace ClaudeBottle.Launcher.Resolution;

/// <summary>What a bind mount is for; decides its target and whether it is read-only.</summary>
public enum MountKind { Skill, Ssh, Workspace }

/// <summary>A host path bound into the agent container.</summary>
public sealed record BottleMount(MountKind Kind, string Source, string Target, bool ReadOnly);
