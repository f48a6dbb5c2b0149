using ClaudeBottle.Launcher.Runtime;
using Mono.Unix.Native;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>The folder the reaper believes: private, this user's, and not a link anyone else could point.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateFolderTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void The_default_folder_is_made_private_under_the_users_state_home()
    {
        using var home = new TempDirectory();
        var path = StateFolder.Prepare(null, name => name == "HOME" ? home.Path : null);

        path.Should().Be(Path.Join(home.Path, ".local", "state", "claude-bottle"));
        File.GetUnixFileMode(path).Should().Be(Private);
        StateFolder.Prepare(null, name => name == "XDG_STATE_HOME" ? home.Path : name == "HOME" ? "/nowhere" : null)
            .Should().Be(Path.Join(home.Path, "claude-bottle"), "XDG_STATE_HOME comes first");
    }

    [Fact]
    public void Without_a_home_the_error_names_the_setting()
    {
        var error = Assert.Throws<StateFolderException>(() => StateFolder.Prepare(null, _ => null));
        error.Message.Should().Contain("HOME").And.Contain(StateFolder.SettingKey);
    }

    [Fact]
    public void A_state_folder_that_is_a_symlink_is_refused_and_its_target_left_alone()
    {
        using var dir = new TempDirectory();
        var target = Directory.CreateDirectory(Path.Join(dir.Path, "elsewhere")).FullName;
        var link = Path.Join(dir.Path, "state");
        File.CreateSymbolicLink(link, target);

        var error = Assert.Throws<StateFolderException>(() => StateFolder.Prepare(link, _ => null));

        error.Message.Should().Contain(link).And.Contain("symbolic link").And.Contain(StateFolder.SettingKey);
        Directory.EnumerateFileSystemEntries(target).Should().BeEmpty();
    }

    [Fact]
    public void A_state_folder_owned_by_another_user_is_refused()
    {
        using var dir = new TempDirectory();
        string path;
        if (Syscall.geteuid() == 0)
        {
            // What another user who made the folder first leaves: theirs, though it has the name this user's would have.
            path = Directory.CreateDirectory(Path.Join(dir.Path, "claude-bottle")).FullName;
            File.SetUnixFileMode(path, Private);
            Syscall.chown(path, 4242, 4242).Should().Be(0);
        }
        else
        {
            path = "/usr"; // root's
        }

        var error = Assert.Throws<StateFolderException>(() => StateFolder.Prepare(path, _ => null));

        error.Message.Should().Contain(path).And.Contain("belongs to user id").And.Contain("not to you");
    }

    [Fact]
    public void A_state_folder_others_can_write_is_refused_and_a_readable_one_of_ours_made_private()
    {
        using var dir = new TempDirectory();
        var open = Directory.CreateDirectory(Path.Join(dir.Path, "open")).FullName;
        File.SetUnixFileMode(open, Private | UnixFileMode.GroupWrite | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Assert.Throws<StateFolderException>(() => StateFolder.Prepare(open, _ => null)).Message.Should().Contain("others can write in it");

        var readable = Directory.CreateDirectory(Path.Join(dir.Path, "readable")).FullName;
        File.SetUnixFileMode(readable, Private | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        StateFolder.Prepare(readable, _ => null);
        File.GetUnixFileMode(readable).Should().Be(Private);
    }

    [Fact]
    public void A_state_folder_under_a_parent_anyone_can_replace_is_refused()
    {
        using var dir = new TempDirectory();
        var parent = Directory.CreateDirectory(Path.Join(dir.Path, "everyone")).FullName;
        // Writable by all without the sticky bit: anyone could rename the state folder away and put theirs there.
        File.SetUnixFileMode(parent, (UnixFileMode)0b111_111_111);

        var error = Assert.Throws<StateFolderException>(() => StateFolder.Prepare(Path.Join(parent, "state"), _ => null));

        error.Message.Should().Contain(parent).And.Contain("sticky");
        Directory.Exists(Path.Join(parent, "state")).Should().BeFalse("nothing is made in a folder that is refused");
    }
}
