package dev.netns.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void parsesAddressAndPrefix() {
        Cidr cidr = Cidr.parse("192.168.15.1/24");

        assertThat(cidr.address()).hasToString("192.168.15.1");
        assertThat(cidr.prefixLength()).isEqualTo(24);
        assertThat(cidr.network()).hasToString("192.168.15.0");
        assertThat(cidr.address().bytes()).containsExactly(192, 168, 15, 1);
    }

    @ParameterizedTest
    @CsvSource({"192.168.15.0/24,192.168.15.77,true", "192.168.15.0/24,192.168.16.1,false",
            "10.0.0.0/8,10.255.255.255,true", "0.0.0.0/0,203.0.113.9,true", "10.0.0.1/32,10.0.0.2,false"})
    void knowsWhatItContains(String cidr, String address, boolean contained) {
        assertThat(Cidr.parse(cidr).contains(IpAddress.parse(address))).isEqualTo(contained);
    }

    @Test
    void defaultIsTheWholeAddressSpace() {
        assertThat(Cidr.parse("0.0.0.0/0")).isEqualTo(Cidr.DEFAULT);
        assertThat(Cidr.DEFAULT.isDefault()).isTrue();
        assertThat(Cidr.DEFAULT).hasToString("0.0.0.0/0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "192.168.15.1|has no prefix length",
            "192.168.15.1/33|prefix length 33 is out of range 0..32",
            "192.168.15.1/|prefix length '' is not a number",
            "192.168.15.1/x|prefix length 'x' is not a number",
            "192.168.15.300/24|300 is over 255",
            "192.168.15/24|expected four numbers",
            "192.168.015.1/24|'015' is not a number from 0 to 255",
            "a.b.c.d/24|'a' is not a number"})
    void rejectsMalformedText(String text, String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text)).withMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "127.0.0.1"})
    void addressesRoundTrip(String text) {
        assertThat(IpAddress.parse(text)).hasToString(text);
    }

    @ParameterizedTest
    @CsvSource({"fd00::1,fd00::1", "FD00:0:0:0:0:0:0:1,fd00::1", "2001:db8:0:0:1:0:0:1,2001:db8::1:0:0:1",
            "::,::", "::1,::1", "fe80::1:2,fe80::1:2", "1:0:0:2:0:0:0:3,1:0:0:2::3", "1:2:3:4:5:6:7:8,1:2:3:4:5:6:7:8"})
    void ipv6AddressesPrintCanonically(String text, String canonical) {
        assertThat(IpAddress.parse(text)).hasToString(canonical);
        assertThat(IpAddress.parse(text).isIpv4()).isFalse();
    }

    @Test
    void ipv6CidrsKnowTheirNetwork() {
        Cidr cidr = Cidr.parse("fd00:1::7/64");
        assertThat(cidr.network()).hasToString("fd00:1::");
        assertThat(cidr.contains(IpAddress.parse("fd00:1::ffff"))).isTrue();
        assertThat(cidr.contains(IpAddress.parse("fd00:2::1"))).isFalse();
        assertThat(cidr.contains(IpAddress.parse("10.0.0.1"))).as("other family").isFalse();
        assertThat(cidr.overlaps(Cidr.parse("fd00:1::/48"))).isTrue();
        assertThat(Cidr.DEFAULT6).hasToString("::/0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "fd00::1::2/64|'::' may appear only once",
            "fd00::g/64|only hexadecimal digits",
            "fd00:12345::1/64|'12345' is not a group",
            "1:2:3:4:5:6:7/64|expected eight groups",
            "fd00::1/129|prefix length 129 is out of range 0..128",
            "fe80::1%eth0/64|only hexadecimal digits"})
    void rejectsMalformedIpv6(String text, String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text)).withMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661\u0660.0.0.1/24", "10.0.0.1/\uff11\uff16", "10.0.0.\u0661/24"})
    void acceptsOnlyAsciiDigits(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text));
    }
}
