using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

public sealed class SubnetAllocatorTests
{
    [Fact]
    public void The_default_pool_holds_thousands_of_bottle_networks()
    {
        var allocator = SubnetAllocator.Parse(SubnetAllocator.DefaultPool);

        allocator.Capacity.Should().Be(4096);
        allocator.Next([]).ToString().Should().Be("10.213.0.0/28");
        SubnetAllocator.GatewayOf(allocator.Next([])!.Value).ToString().Should().Be("10.213.0.1");
    }

    [Fact]
    public void Subnets_in_use_anywhere_on_the_engine_are_skipped_whatever_their_size()
    {
        var allocator = SubnetAllocator.Parse("10.213.0.0/16");

        allocator.Next(["10.213.0.0/28", "10.213.0.16/28"]).ToString().Should().Be("10.213.0.32/28");
        allocator.Next(["10.213.0.0/24", "172.17.0.0/16", "fd00::/64"]).ToString().Should().Be("10.213.1.0/28");
        allocator.Next(["10.0.0.0/8"]).Should().BeNull("a user's network covering the whole pool leaves nothing");
    }

    [Fact]
    public void A_full_pool_says_so()
    {
        var allocator = SubnetAllocator.Parse("192.168.77.0/27");
        allocator.Capacity.Should().Be(2);

        allocator.Next(["192.168.77.0/28", "192.168.77.16/28"]).Should().BeNull();
    }

    [Theory]
    [InlineData("10.213.0.0")]
    [InlineData("not a network")]
    [InlineData("fd00::/48")]
    [InlineData("10.213.0.0/30")]
    public void A_pool_that_is_not_a_wide_enough_ipv4_network_is_refused(string pool) =>
        Assert.Throws<ArgumentException>(() => SubnetAllocator.Parse(pool));
}
