package dev.netns.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

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
        assertThat(Cidr.parse(cidr).contains(Ipv4Address.parse(address))).isEqualTo(contained);
    }

    @Test
    void defaultIsTheWholeAddressSpace() {
        assertThat(Cidr.parseDestination("default")).isEqualTo(Cidr.DEFAULT);
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
        assertThat(Ipv4Address.parse(text)).hasToString(text);
    }
}
