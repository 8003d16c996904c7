package dev.netns.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses an interface may carry: pure, no kernel. */
class InterfaceAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "255.255.255.255/32; limited broadcast",
        "255.255.255.255/24; limited broadcast",
        "10.0.0.255/24; broadcast address of its subnet",
        "10.0.0.3/30; broadcast address of its subnet",
        "10.0.0.0/24; network address",
        "224.0.0.1/24; multicast",
        "ff02::1/64; multicast",
        "0.0.0.0/8; unspecified",
        "::/64; unspecified",
        "10.0.0.1/0; /0",
        "fd00::1/0; /0",
        "fd00::/64; Subnet-Router anycast",
        "2001:db8::/126; Subnet-Router anycast",
    })
    void refused(String cidr, String reason) {
        assertThat(InterfaceAddress.problem(Cidr.parse(cidr))).as(cidr).isNotNull().containsIgnoringCase(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1/24", "10.0.0.254/24", "10.0.0.1/31", "10.0.0.0/31", "10.0.0.1/32",
        "192.168.15.5/24", "fd00::1/64", "fd00::/127", "fd00::/128", "fe80::1/64"})
    void accepted(String cidr) {
        assertThat(InterfaceAddress.problem(Cidr.parse(cidr))).as(cidr).isNull();
    }
}
