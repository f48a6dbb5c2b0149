namespace ClaudeBottle.Launcher.Manifest;

/// <summary>What a host path of the manifest is for, which decides what it must be.</summary>
public enum HostPathUse { Workspace, SshFile, Skill, BuildContext }
